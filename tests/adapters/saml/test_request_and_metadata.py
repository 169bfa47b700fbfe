"""The AuthnRequest (signature, level, BundID extension), the SP metadata, IdP metadata
refresh (key rotation) and the attribute mapping."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import requests
from flask import Flask
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from portal.adapters.saml import attributes as A
from portal.adapters.saml.metadata import MetadataError, load_idp_metadata, refresh_metadata
from tests.conftest import make_app
from tests.idp.browser import to_idp
from tests.idp.fixtures import SpKeys, saml_config
from tests.idp.simplesaml import IDP_ENTITY_ID, IdpServer

NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
      "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
      "akdb": "https://www.akdb.de/request/2018/09",
      "ui": "https://www.akdb.de/request/2018/09/classic-ui/v1",
      "md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}


def test_authn_request_is_signed_and_carries_level_and_bundid_extension(
        saml_app: Flask, sp_keys: SpKeys) -> None:
    form, _ = to_idp(saml_app.test_client(),
                     "/anmelden/bundid?level=4&next=/leistungen/wohnsitz-anmeldung")
    xml = base64.b64decode(form.fields["SAMLRequest"])
    root = etree.fromstring(xml)
    assert isinstance(OneLogin_Saml2_XML.validate_xml(xml, "saml-schema-protocol-2.0.xsd"),
                      etree._Element)
    assert OneLogin_Saml2_Utils.validate_sign(xml, sp_keys.cert_pem.decode(),
                                              xpath="/samlp:AuthnRequest/ds:Signature",
                                              raise_exceptions=True)
    assert root.xpath("string(ds:Signature//ds:SignatureMethod/@Algorithm)", namespaces=NS) \
        .endswith("rsa-sha256")
    context = root.xpath("samlp:RequestedAuthnContext", namespaces=NS)[0]
    assert context.get("Comparison") == "minimum"
    assert context.xpath("string(saml:AuthnContextClassRef)", namespaces=NS) == \
        "STORK-QAA-Level-4"
    ext = root.xpath("samlp:Extensions/akdb:AuthenticationRequest", namespaces=NS)[0]
    assert ext.get("Version") == "2"
    assert [e.tag.split("}")[1] for e in ext.xpath("akdb:AuthnMethods/*", namespaces=NS)] == \
        ["eID", "eIDAS"]  # nothing that cannot reach level 4
    requested = {e.get("Name"): e.get("RequiredAttribute")
                 for e in ext.xpath(".//akdb:RequestedAttribute", namespaces=NS)}
    assert requested[A.BPK2] == "true" and A.POSTAL_ADDRESS in requested
    ui = ext.xpath("akdb:DisplayInformation/ui:Version", namespaces=NS)[0]
    assert ui.xpath("string(ui:OrganizationDisplayName)", namespaces=NS) == "Stadt Goslar"
    assert ui.xpath("string(ui:OnlineServiceId)", namespaces=NS)
    assert root.get("AssertionConsumerServiceURL") == "http://portal.test/saml/acs"
    assert root.get("Destination").endswith("/saml2/idp/SSOService.php")


def test_level_3_request_also_offers_elster(saml_app: Flask) -> None:
    form, _ = to_idp(saml_app.test_client(), "/anmelden/bundid?level=3")
    root = etree.fromstring(base64.b64decode(form.fields["SAMLRequest"]))
    methods = root.xpath("//akdb:AuthnMethods/*", namespaces=NS)
    assert "Elster" in [m.tag.split("}")[1] for m in methods]
    assert root.xpath("string(//saml:AuthnContextClassRef)", namespaces=NS) == "STORK-QAA-Level-3"


def test_sp_metadata_is_signed_and_complete(saml_app: Flask, sp_keys: SpKeys) -> None:
    response = saml_app.test_client().get("/saml/metadata")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.data
    assert OneLogin_Saml2_Utils.validate_metadata_sign(xml, sp_keys.cert_pem.decode(),
                                                       raise_exceptions=True)
    root = etree.fromstring(xml)
    assert root.get("entityID") == "http://portal.test/saml/metadata"
    sp = root.xpath("md:SPSSODescriptor", namespaces=NS)[0]
    assert sp.get("AuthnRequestsSigned") == "true" and sp.get("WantAssertionsSigned") == "true"
    uses = sorted(k.get("use") for k in sp.xpath("md:KeyDescriptor", namespaces=NS))
    assert uses == ["encryption", "signing"]
    assert sp.xpath("string(md:AssertionConsumerService/@Location)", namespaces=NS) == \
        "http://portal.test/saml/acs"
    staff = saml_app.test_client().get("/mitarbeiter/saml/metadata")
    assert etree.fromstring(staff.data).get("entityID") == \
        "http://portal.test/mitarbeiter/saml/metadata"


def test_refresh_metadata_command_replaces_the_file_only_when_valid(
        database_url: str, sp_keys: SpKeys, idp: IdpServer, tmp_path: Path) -> None:
    target = tmp_path / "idp.xml"
    target.write_bytes(idp.metadata())
    app = make_app(database_url, **saml_config(
        sp_keys, target, SAML_IDP_METADATA_URL=idp.metadata_url))
    runner = app.test_cli_runner()
    os.utime(target, (0, 0))
    result = runner.invoke(args=["saml", "refresh-metadata"])
    assert result.exit_code == 0, result.output
    assert IDP_ENTITY_ID in result.output and target.stat().st_mtime > 0
    assert runner.invoke(args=["saml", "check-metadata"]).exit_code == 0

    before = target.read_bytes()
    broken = make_app(database_url, **saml_config(
        sp_keys, target, SAML_IDP_METADATA_URL=f"{idp.base_url}/nothing-here.xml"))
    result = broken.test_cli_runner().invoke(args=["saml", "refresh-metadata"])
    assert result.exit_code == 1 and "bleibt" in result.output
    assert target.read_bytes() == before


def test_stale_metadata_is_reported_and_never_installed(idp: IdpServer, tmp_path: Path) -> None:
    stale = idp.metadata().replace(
        b'entityID="https://idp.test/idp"',
        b'entityID="https://idp.test/idp" validUntil="2020-01-01T00:00:00Z"', 1)
    target = tmp_path / "idp.xml"
    target.write_bytes(idp.metadata())
    try:
        refresh_metadata(target, "http://unused.example/", IDP_ENTITY_ID,
                         fetch=lambda _url: stale)
        raise AssertionError("stale metadata was installed")
    except MetadataError as exc:
        assert "validUntil" in str(exc)
    assert b"validUntil" not in target.read_bytes()
    target.write_bytes(stale)
    assert load_idp_metadata(target, IDP_ENTITY_ID).problems()


def test_rotated_idp_key_is_picked_up_without_restart(idp: IdpServer, tmp_path: Path) -> None:
    target = tmp_path / "idp.xml"
    original = idp.metadata()
    target.write_bytes(original)
    first = load_idp_metadata(target, IDP_ENTITY_ID)
    from portal.adapters.saml.keys import generate_key_pair

    _key, new_cert = generate_key_pair("idp.test rotated")
    old_b64 = first.idp["x509cert"]
    new_b64 = "".join(new_cert.decode().strip().splitlines()[1:-1])
    time.sleep(0.01)
    target.write_bytes(original.replace(old_b64.encode(), new_b64.encode()))
    assert load_idp_metadata(target, IDP_ENTITY_ID).idp["x509cert"] == new_b64


def test_metadata_of_the_wrong_idp_is_refused(idp: IdpServer, tmp_path: Path) -> None:
    target = tmp_path / "idp.xml"
    target.write_bytes(idp.metadata())
    try:
        load_idp_metadata(target, "https://other-idp.example/")
        raise AssertionError("accepted")
    except MetadataError:
        pass


def test_attributes_become_one_person() -> None:
    person = A.person_from_attributes({
        A.BPK2: ["bpk"], A.GIVEN_NAME: ["Ayşe"], A.SURNAME: ["Yılmaz"],
        A.BIRTH_DATE: ["1985-11-02"], A.POSTAL_ADDRESS: ["Am Heiligen Grabe 3a"],
        A.POSTAL_CODE: ["38640"], A.LOCALITY: ["Goslar"], A.COUNTRY: ["D"],
        A.NATIONALITY: ["TR"], A.QAA_LEVEL: ["STORK-QAA-Level-4"]},
        ["STORK-QAA-Level-3"], "transient-id")
    assert person.subject == "bpk" and person.trust_level == 3  # the weaker claim wins
    assert person.address == {"street": "Am Heiligen Grabe", "house_number": "3a",
                              "postcode": "38640", "town": "Goslar"}
    assert person.nationality is None and person.birth_date == "1985-11-02"
    partial = A.person_from_attributes({A.BIRTH_DATE: ["1964-xx-xx"]}, [], "nid")
    assert partial.birth_date is None and partial.trust_level == 1 and partial.subject == "nid"


def test_idp_metadata_is_reachable(idp: IdpServer) -> None:
    assert requests.get(idp.metadata_url, timeout=10).status_code == 200
