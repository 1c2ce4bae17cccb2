select * from {{ source('shop_raw', 'raw_orders') }}
