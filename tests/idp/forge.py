"""Build attack variants of a real IdP response with real XML security (xmlsec), to show
the portal refuses them. The tests hold the IdP's and the SP's keys, so a variant can differ
from a genuine response in exactly one respect; `genuine_copy` (decrypt, re-sign, re-encrypt
without changes) is accepted, which proves the refusals come from that one respect."""

from __future__ import annotations

import base64
from collections.abc import Callable
from copy import deepcopy

import xmlsec
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

NS = {"samlp": C.NS_SAMLP, "saml": C.NS_SAML, "ds": C.NS_DS, "xenc": C.NS_XENC}
SHA256 = (C.RSA_SHA256, C.SHA256)
SHA1 = (C.RSA_SHA1, C.SHA1)


def parse(saml_response: str) -> etree._Element:
    return etree.fromstring(base64.b64decode(saml_response))


def encode(root: etree._Element) -> str:
    return base64.b64encode(etree.tostring(root)).decode()


def assertion_of(root: etree._Element) -> etree._Element:
    found = root.xpath("./saml:Assertion", namespaces=NS)
    assert len(found) == 1
    element: etree._Element = found[0]
    return element


def decrypt(root: etree._Element, sp_key: bytes) -> etree._Element:
    """The response with its EncryptedAssertion replaced by the plaintext Assertion."""
    root = deepcopy(root)
    encrypted = root.xpath("./saml:EncryptedAssertion", namespaces=NS)[0]
    data = encrypted.xpath("./xenc:EncryptedData", namespaces=NS)[0]
    plain = OneLogin_Saml2_Utils.decrypt_element(data, sp_key.decode())
    encrypted.addprevious(etree.fromstring(etree.tostring(plain)))
    root.remove(encrypted)
    return root


def encrypt(root: etree._Element, sp_cert: bytes) -> etree._Element:
    """Wrap the plaintext Assertion into an EncryptedAssertion for the SP's certificate."""
    root = deepcopy(root)
    assertion = assertion_of(root)
    wrapper = etree.Element(f"{{{C.NS_SAML}}}EncryptedAssertion")
    assertion.addprevious(wrapper)
    wrapper.append(assertion)
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_memory(sp_cert, xmlsec.constants.KeyDataFormatCertPem))
    template = xmlsec.template.encrypted_data_create(
        root, xmlsec.constants.TransformAes256Cbc, type=xmlsec.constants.TypeEncElement,
        ns="xenc")
    xmlsec.template.encrypted_data_ensure_cipher_value(template)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(template, ns="ds")
    enc_key = xmlsec.template.add_encrypted_key(key_info, xmlsec.constants.TransformRsaOaep)
    xmlsec.template.encrypted_data_ensure_cipher_value(enc_key)
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(xmlsec.constants.KeyDataAes, 256,
                                      xmlsec.constants.KeyDataTypeSession)
    context.encrypt_xml(template, assertion)
    return root


def strip_signature(element: etree._Element) -> None:
    for signature in element.xpath("./ds:Signature", namespaces=NS):
        element.remove(signature)


def sign(element: etree._Element, key: bytes, cert: bytes,
         algorithms: tuple[str, str] = SHA256) -> etree._Element:
    """A fresh enveloped signature over `element` (any old one removed), as the IdP makes."""
    strip_signature(element)
    signed = OneLogin_Saml2_Utils.add_sign(etree.tostring(element), key.decode(), cert.decode(),
                                           sign_algorithm=algorithms[0],
                                           digest_algorithm=algorithms[1])
    return etree.fromstring(signed)


def rebuild(saml_response: str, *, sp_key: bytes, sp_cert: bytes, idp_key: bytes,
            idp_cert: bytes, change: Callable[[etree._Element], None] = lambda _a: None,
            algorithms: tuple[str, str] = SHA256, sign_assertion: bool = True,
            sign_response: bool = True) -> str:
    """Decrypt, let `change` edit the assertion, sign it (IdP key), encrypt it (SP cert),
    sign the response: the order SimpleSAMLphp and BundID use."""
    root = decrypt(parse(saml_response), sp_key)
    assertion = assertion_of(root)
    change(assertion)
    if sign_assertion:
        new = sign(assertion, idp_key, idp_cert, algorithms)
        assertion.addprevious(new)
        root.remove(assertion)
    else:
        strip_signature(assertion)
    root = encrypt(root, sp_cert)
    if sign_response:
        root = sign(root, idp_key, idp_cert, algorithms)
    else:
        strip_signature(root)
    return encode(root)


def set_attribute(assertion: etree._Element, name: str, value: str) -> None:
    values = assertion.xpath(f".//saml:Attribute[@Name='{name}']/saml:AttributeValue",
                             namespaces=NS)
    assert values, name
    values[0].text = value


def shift_times(seconds: int) -> Callable[[etree._Element], None]:
    """Move every time in the assertion by `seconds` (negative: into the past)."""

    def change(assertion: etree._Element) -> None:
        for element in assertion.iter():
            for attribute in ("IssueInstant", "NotBefore", "NotOnOrAfter", "AuthnInstant",
                              "SessionNotOnOrAfter"):
                value = element.get(attribute)
                if value:
                    moved = OneLogin_Saml2_Utils.parse_SAML_to_time(value) + seconds
                    element.set(attribute, OneLogin_Saml2_Utils.parse_time_to_SAML(moved))

    return change


def wrap_assertion(saml_response: str, *, sp_key: bytes, sp_cert: bytes) -> str:
    """Signature wrapping (XSW): an unsigned evil assertion with other attributes and a new
    ID, the genuinely signed assertion hidden inside it, everything re-encrypted. No key of
    the IdP is used, as for a real attacker who saw one decrypted response."""
    root = decrypt(parse(saml_response), sp_key)
    original = assertion_of(root)
    evil = deepcopy(original)
    strip_signature(evil)
    evil.set("ID", "_evil" + original.get("ID", "")[1:])
    set_attribute(evil, "urn:oid:2.5.4.42", "Mallory")
    evil.append(deepcopy(original))
    original.addprevious(evil)
    root.remove(original)
    strip_signature(root)
    return encode(encrypt(root, sp_cert))
