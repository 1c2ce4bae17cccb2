"""The ecosystem's formats, in and out: dbt manifests."""
