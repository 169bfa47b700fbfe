"""The signed AuthnRequest (HTTP-POST binding) with the minimum trust level and, for BundID,
the `akdb:AuthenticationRequest` extension. python3-saml's template has no place for
Extensions, so the request is built here and signed with python3-saml's signer."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from portal.adapters.saml.attributes import REQUESTED, STORK

SAMLP = C.NS_SAMLP
SAML = C.NS_SAML
AKDB = "https://www.akdb.de/request/2018/09"
CLASSIC_UI = "https://www.akdb.de/request/2018/09/classic-ui/v1"


def authn_methods(level: int) -> tuple[str, ...]:
    """Which BundID sign-in methods to offer: none that cannot reach the level."""
    if level >= 4:
        return ("eID", "eIDAS")
    if level == 3:
        return ("eID", "eIDAS", "Elster")
    return ("eID", "eIDAS", "Elster", "Benutzername")


@dataclass(frozen=True)
class BundIdDisplay:
    organization: str
    online_service_id: str | None
    lang: str = "de"
    back_url: str | None = None
    requested: tuple[tuple[str, bool], ...] = field(default=REQUESTED)


@dataclass(frozen=True)
class SignedRequest:
    id: str
    destination: str
    saml_request: str  # base64 of the signed XML, the form field `SAMLRequest`
    xml: bytes


def _extension(parent: etree._Element, level: int, display: BundIdDisplay) -> None:
    request = etree.SubElement(parent, f"{{{AKDB}}}AuthenticationRequest", nsmap={"akdb": AKDB},
                               Version="2")
    methods = etree.SubElement(request, f"{{{AKDB}}}AuthnMethods")
    for method in authn_methods(level):
        element = etree.SubElement(methods, f"{{{AKDB}}}{method}")
        etree.SubElement(element, f"{{{AKDB}}}Enabled").text = "true"
    attributes = etree.SubElement(request, f"{{{AKDB}}}RequestedAttributes")
    for name, required in display.requested:
        etree.SubElement(attributes, f"{{{AKDB}}}RequestedAttribute", Name=name,
                         RequiredAttribute="true" if required else "false")
    info = etree.SubElement(request, f"{{{AKDB}}}DisplayInformation")
    version = etree.SubElement(info, f"{{{CLASSIC_UI}}}Version", nsmap={"classic-ui": CLASSIC_UI})
    etree.SubElement(version, f"{{{CLASSIC_UI}}}OrganizationDisplayName").text = \
        display.organization
    if display.online_service_id:
        etree.SubElement(version, f"{{{CLASSIC_UI}}}OnlineServiceId").text = \
            display.online_service_id
    etree.SubElement(version, f"{{{CLASSIC_UI}}}Lang").text = display.lang
    if display.back_url:
        etree.SubElement(version, f"{{{CLASSIC_UI}}}BackURL").text = display.back_url


def build_request(settings: OneLogin_Saml2_Settings, *, level: int | None,
                  display: BundIdDisplay | None, force_authn: bool = False) -> SignedRequest:
    sp, idp = settings.get_sp_data(), settings.get_idp_data()
    request_id = OneLogin_Saml2_Utils.generate_unique_id()
    destination = idp["singleSignOnService"]["url"]
    root = etree.Element(f"{{{SAMLP}}}AuthnRequest", nsmap={"samlp": SAMLP, "saml": SAML})
    root.set("ID", request_id)
    root.set("Version", "2.0")
    root.set("IssueInstant", OneLogin_Saml2_Utils.parse_time_to_SAML(OneLogin_Saml2_Utils.now()))
    root.set("Destination", destination)
    root.set("ProtocolBinding", C.BINDING_HTTP_POST)
    root.set("AssertionConsumerServiceURL", sp["assertionConsumerService"]["url"])
    if force_authn:
        # A new login at a higher level must not reuse the IdP session of the lower one.
        root.set("ForceAuthn", "true")
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = sp["entityId"]
    # Schema order: Issuer, (Signature, inserted by the signer), Extensions, NameIDPolicy,
    # RequestedAuthnContext.
    if display is not None:
        _extension(etree.SubElement(root, f"{{{SAMLP}}}Extensions"), level or 1, display)
    etree.SubElement(root, f"{{{SAMLP}}}NameIDPolicy", Format=sp["NameIDFormat"],
                     AllowCreate="true")
    if level is not None:
        context = etree.SubElement(root, f"{{{SAMLP}}}RequestedAuthnContext",
                                   Comparison="minimum")
        etree.SubElement(context, f"{{{SAML}}}AuthnContextClassRef").text = STORK.format(level)
    xml = etree.tostring(root)
    signed = OneLogin_Saml2_Utils.add_sign(xml, settings.get_sp_key(), settings.get_sp_cert(),
                                           sign_algorithm=C.RSA_SHA256,
                                           digest_algorithm=C.SHA256)
    data = signed if isinstance(signed, bytes) else signed.encode()
    return SignedRequest(request_id, destination, base64.b64encode(data).decode("ascii"), data)
