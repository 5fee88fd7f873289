"""How meetings plug into the rest of Enlace: fulfilment, my work, site search."""
