-- What the caller asked of a card movement that the provider's answer does not carry (for a SPEI from a card:
-- the beneficiary, concept and reference), so GET /v1/spei/transfers shows it. Never card data: a debit card
-- beneficiary is stored masked.
alter table card_movements add column request_details jsonb;

-- GET /v1/spei/transfers lists card-sourced SPEI newest first.
create index card_movements_kind_created on card_movements (kind, created_at desc, id desc);
create index spei_out_orders_created on spei_out_orders (created_at desc, id desc);
