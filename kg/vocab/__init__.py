"""What kg's data is made of: the event kinds and roles (``kinds``), declared once and
read by every module that needs them."""
