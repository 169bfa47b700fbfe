"""SAML 2.0 service provider on python3-saml: BundID for citizens and, with the same code,
the municipality's own IdP for staff (a second `SamlProfile`, configuration only)."""
