-- Build the `customers` table of the output port from the shop's nightly export.
--
-- Runs inside the product's output DuckDB database, whose tables local-duckdb created from the
-- contract. The input port `shop` (local-landing) shows each file of data/shop/ as a view:
-- data/shop/customers.csv is shop.customers. Full refresh: the table is rebuilt on every run.

DELETE FROM customers;

INSERT INTO customers (customer_id, email, country, signed_up_on)
SELECT
    trim(customer_id),
    lower(trim(email)),
    upper(trim(country)),
    CAST(signed_up_at AS DATE)
FROM shop.customers
WHERE customer_id IS NOT NULL
-- the export can repeat an account after a profile change: keep its latest row
QUALIFY row_number() OVER (PARTITION BY trim(customer_id) ORDER BY signed_up_at DESC) = 1;
