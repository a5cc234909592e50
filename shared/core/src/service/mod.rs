//! The use cases of the product, one method each, over the ports.
