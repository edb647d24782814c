"""For residents: the plain-language guide to reporting, and printable posters that point to /lapor."""
