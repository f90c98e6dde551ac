"""The serverless API: handler (routes/) → logic (logic/) → store (store/, DynamoDB only)."""
