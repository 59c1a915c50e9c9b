"""Pure functions from a source's own format (HTML, XML, JSON) to plain values; spiders call them."""
