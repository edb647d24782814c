"""Aid: warehouses and their stock, and aid delivered to incidents."""
