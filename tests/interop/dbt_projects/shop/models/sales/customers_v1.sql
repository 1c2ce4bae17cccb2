select customer_id, email from {{ source('shop_raw', 'raw_customers') }}
