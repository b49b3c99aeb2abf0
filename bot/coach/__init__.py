"""The product's operations over a store, and delivery of due nudges."""
