from tests.idp.fixtures import (  # noqa: F401
    browser,
    idp,
    idp_metadata_file,
    saml_app,
    sp_keys,
)
