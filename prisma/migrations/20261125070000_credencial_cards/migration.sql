-- Credencial cards through /v1 (issue 6): a nominated card registers its Credencial account link itself, so the
-- link names the Pasarela card it belongs to and keeps the account reference the nomination was made with.
-- Still no clear card data: the card row keeps the masked PAN and last four only; NIPs are never stored.
alter table credencial_account_links
  add column card_id uuid references cards (id),
  add column emi_account_reference text check (length(emi_account_reference) between 1 and 64);
create unique index credencial_account_links_card_id on credencial_account_links (card_id) where card_id is not null;
