#!/usr/bin/python3
"""An implementation of cosign's key and signature formats that shares no code with kiln.

scrypt comes from OpenSSL (hashlib), XSalsa20-Poly1305 from libsodium (NaCl's reference
implementation, through ctypes), keys and ECDSA from OpenSSL (python3-cryptography). SigningIT
runs it to check kiln's files with a second implementation, as cosign itself is not installable
on Debian 12.

  cosign_keys.py public KEY PASSWORD_FILE     decrypt KEY, print its public key (PEM)
  cosign_keys.py encrypt OUT_KEY OUT_PUB PASSWORD_FILE
                                              write a new P-256 pair, encrypted as cosign does
  cosign_keys.py verify PUB PAYLOAD SIG_B64   exit 0 if SIG_B64 is PUB's ECDSA-SHA256 of PAYLOAD
  cosign_keys.py dsse PUB ENVELOPE DIGEST     exit 0 if the DSSE envelope (file) is signed by PUB
                                              over its pre-authentication encoding and holds an
                                              in-toto statement about DIGEST; print its
                                              predicateType
"""
import base64
import ctypes
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

SODIUM = ctypes.CDLL("libsodium.so.23")
assert SODIUM.sodium_init() >= 0
MAC_BYTES = 16


def pem_body(text, label):
    lines = text.strip().splitlines()
    if lines[0] != "-----BEGIN %s-----" % label or lines[-1] != "-----END %s-----" % label:
        raise SystemExit("not a %s: %s" % (label, lines[0]))
    return base64.b64decode("".join(lines[1:-1]))


def scrypt(password, kdf):
    params = kdf["params"]
    return hashlib.scrypt(password, salt=base64.b64decode(kdf["salt"]), n=params["N"],
                          r=params["r"], p=params["p"], maxmem=256 * 1024 * 1024, dklen=32)


def decrypt(envelope, password):
    data = json.loads(envelope)
    assert data["kdf"]["name"] == "scrypt" and data["cipher"]["name"] == "nacl/secretbox"
    key = scrypt(password, data["kdf"])
    nonce = base64.b64decode(data["cipher"]["nonce"])
    box = base64.b64decode(data["ciphertext"])
    out = ctypes.create_string_buffer(len(box) - MAC_BYTES)
    if SODIUM.crypto_secretbox_open_easy(out, box, ctypes.c_ulonglong(len(box)), nonce, key) != 0:
        raise SystemExit("libsodium: the box does not open with this password")
    return out.raw


def encrypt(plaintext, password):
    salt, nonce = os.urandom(32), os.urandom(24)
    kdf = {"name": "scrypt", "params": {"N": 32768, "r": 8, "p": 1},
           "salt": base64.b64encode(salt).decode()}
    key = scrypt(password, kdf)
    box = ctypes.create_string_buffer(len(plaintext) + MAC_BYTES)
    assert SODIUM.crypto_secretbox_easy(box, plaintext, ctypes.c_ulonglong(len(plaintext)),
                                        nonce, key) == 0
    return json.dumps({"kdf": kdf,
                       "cipher": {"name": "nacl/secretbox",
                                  "nonce": base64.b64encode(nonce).decode()},
                       "ciphertext": base64.b64encode(box.raw).decode()}).encode()


def pem(label, data):
    b64 = base64.b64encode(data).decode()
    return ("-----BEGIN %s-----\n" % label
            + "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
            + "\n-----END %s-----\n" % label)


def main(args):
    if args[0] == "public":
        password = open(args[2], "rb").read()
        der = decrypt(pem_body(open(args[1]).read(), "ENCRYPTED COSIGN PRIVATE KEY"), password)
        key = serialization.load_der_private_key(der, password=None)
        sys.stdout.write(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    elif args[0] == "encrypt":
        password = open(args[3], "rb").read()
        key = ec.generate_private_key(ec.SECP256R1())
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        open(args[1], "w").write(pem("ENCRYPTED COSIGN PRIVATE KEY", encrypt(der, password)))
        open(args[2], "wb").write(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    elif args[0] == "verify":
        public = serialization.load_pem_public_key(open(args[1], "rb").read())
        try:
            public.verify(base64.b64decode(args[3]), open(args[2], "rb").read(),
                          ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise SystemExit("the signature does not verify")
    elif args[0] == "dsse":
        public = serialization.load_pem_public_key(open(args[1], "rb").read())
        envelope = json.load(open(args[2]))
        body = base64.b64decode(envelope["payload"])
        kind = envelope["payloadType"].encode()
        # DSSE v1: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in decimal.
        pae = b" ".join([b"DSSEv1", str(len(kind)).encode(), kind, str(len(body)).encode(), body])
        if envelope["payloadType"] != "application/vnd.in-toto+json":
            raise SystemExit("payloadType is " + envelope["payloadType"])
        try:
            public.verify(base64.b64decode(envelope["signatures"][0]["sig"]), pae,
                          ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise SystemExit("the envelope's signature does not verify")
        statement = json.loads(body)
        algorithm, hex_digest = args[3].split(":", 1)
        if not any(s["digest"].get(algorithm) == hex_digest for s in statement["subject"]):
            raise SystemExit("the statement is not about " + args[3])
        print(statement["predicateType"])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
