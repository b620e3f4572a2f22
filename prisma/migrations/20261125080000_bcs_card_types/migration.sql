-- BCS cards (issue 7): a registered BCS card is a CREDIT or DEBIT card (which servicing operations apply).
alter table cards drop constraint cards_type_check;
alter table cards add constraint cards_type_check check (type in ('PHYSICAL', 'VIRTUAL', 'VIRTUAL_WITH_PHYSICAL', 'CREDIT', 'DEBIT'));
