select o.customer_id, sum(o.amount) as revenue
from {{ ref('shop', 'orders') }} o join {{ ref('shop', 'customers', v=2) }} c using (customer_id)
group by 1
