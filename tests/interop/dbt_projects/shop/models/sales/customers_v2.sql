select customer_id, email, country from {{ source('shop_raw', 'raw_customers') }}
