-- Rule-based marketing segments, from recency, frequency and value.
--
-- Runs inside the product's output DuckDB database; the input port `clv` is the marketing
-- domain's customer-value/customer-value port, attached read-only (table clv.customer_value).
-- Recency is measured against the latest order in the data, so the sample data keeps
-- giving the same segments whatever day it is run.

DELETE FROM segments;

INSERT INTO segments (customer_id, segment, computed_on)
WITH reference AS (
    SELECT max(last_order_on) AS today FROM clv.customer_value
)
SELECT
    v.customer_id,
    CASE
        WHEN v.order_count >= 3 AND v.lifetime_value_eur >= 200 THEN 'champion'
        WHEN v.order_count >= 2 AND r.today - v.last_order_on <= 60 THEN 'loyal'
        WHEN v.order_count >= 2 THEN 'at-risk'
        WHEN r.today - v.first_order_on <= 30 THEN 'new'
        ELSE 'one-off'
    END,
    r.today
FROM clv.customer_value AS v
CROSS JOIN reference AS r;
