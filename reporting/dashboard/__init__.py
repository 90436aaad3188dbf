"""The commissioners' dashboard, trends and contract position: read from the returns and invoices
already computed (reporting/models/), set-based, so the number of queries does not grow with the
number of providers or weeks. Rules and decisions: docs/commissioning.md."""
