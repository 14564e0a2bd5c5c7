"""System-level studies (``kind: system``): multicell geometry, interference, power control,
scheduling and semantic link adaptation on Sionna's system-level blocks, decisions drawn from
semantic PHY abstraction tables."""
