// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Key and certificate generation for a throwaway test CA, over WebCrypto (ECDSA P-256,
 * SHA-256). No `openssl` needed.
 *
 * @module
 */
import {
  derBitString,
  derBoolean,
  derElement,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTime,
  derUtf8String,
  toPem,
} from "./der.ts";

/** A PEM-encoded key pair plus the WebCrypto private key that signs with it. */
export interface PemKeyPair {
  /** PKCS#8 private key, PEM ("PRIVATE KEY"). */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo public key, PEM ("PUBLIC KEY"). */
  publicKeyPem: string;
  /** The WebCrypto key pair. */
  keys: CryptoKeyPair;
}

/** A certificate with its key. */
export interface IssuedCertificate {
  /** The certificate, PEM ("CERTIFICATE"). */
  certPem: string;
  /** The private key, PEM PKCS#8 ("PRIVATE KEY"). */
  keyPem: string;
  /** The subject common name. */
  commonName: string;
}

/** A certificate authority able to sign more certificates. */
export interface CertificateAuthority extends IssuedCertificate {
  /** Signs a client certificate for `commonName` with the organizations (groups) given. */
  issueClientCertificate(commonName: string, organizations?: string[]): Promise<IssuedCertificate>;
}

const EC_PARAMS: EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };
const ECDSA_SHA256 = "1.2.840.10045.4.3.2";
const VALIDITY_MS = 365 * 24 * 3600 * 1000;

/**
 * Generates an ECDSA P-256 key pair and returns it as PEM.
 *
 * @example Service-account signing keys for kube-apiserver
 * ```ts
 * import { generateKeyPairPem } from "./certs.ts";
 * const { privateKeyPem, publicKeyPem } = await generateKeyPairPem();
 * ```
 */
export async function generateKeyPairPem(): Promise<PemKeyPair> {
  const keys = await crypto.subtle.generateKey(EC_PARAMS, true, ["sign", "verify"]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  return {
    privateKeyPem: toPem("PRIVATE KEY", pkcs8),
    publicKeyPem: toPem("PUBLIC KEY", spki),
    keys,
  };
}

/**
 * Creates a self-signed CA certificate that can then issue client certificates.
 *
 * @example
 * ```ts
 * import { createCertificateAuthority } from "./certs.ts";
 * const ca = await createCertificateAuthority("staircase-test-ca");
 * const admin = await ca.issueClientCertificate("admin", ["system:masters"]);
 * ```
 */
export async function createCertificateAuthority(
  commonName: string,
): Promise<CertificateAuthority> {
  const pair = await generateKeyPairPem();
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.keys.publicKey));
  const subject = encodeName(commonName, []);
  const extensions = [
    extension("2.5.29.19", true, derSequence(derBoolean(true))), // basicConstraints CA
    // keyUsage: digitalSignature (bit 0), keyCertSign (5), cRLSign (6).
    extension("2.5.29.15", true, derBitString(new Uint8Array([0x86]), 1)),
    extension("2.5.29.14", false, derOctetString(await keyId(spki))), // subjectKeyIdentifier
  ];
  const certDer = await signCertificate(subject, subject, spki, extensions, pair.keys.privateKey);
  return authority(commonName, toPem("CERTIFICATE", certDer), pair.privateKeyPem, pair.keys, spki);
}

/**
 * Loads a CA made by {@linkcode createCertificateAuthority} back from its PEM files, so a
 * control plane restarted from its folder can still issue client certificates.
 *
 * @example
 * ```ts
 * import { createCertificateAuthority, loadCertificateAuthority } from "./certs.ts";
 * const made = await createCertificateAuthority("staircase-test-ca");
 * const ca = await loadCertificateAuthority("staircase-test-ca", made.certPem, made.keyPem);
 * const user = await ca.issueClientCertificate("viewer");
 * ```
 */
export async function loadCertificateAuthority(
  commonName: string,
  certPem: string,
  keyPem: string,
): Promise<CertificateAuthority> {
  const pkcs8 = fromPem(keyPem);
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, EC_PARAMS, true, ["sign"]);
  // The public key is the private JWK without "d"; WebCrypto has no direct derivation.
  const { d: _d, key_ops: _ops, ...publicJwk } = await crypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await crypto.subtle.importKey("jwk", publicJwk, EC_PARAMS, true, ["verify"]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
  return authority(commonName, certPem, keyPem, { privateKey, publicKey }, spki);
}

function fromPem(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

async function authority(
  commonName: string,
  certPem: string,
  keyPem: string,
  keys: CryptoKeyPair,
  spki: Uint8Array<ArrayBuffer>,
): Promise<CertificateAuthority> {
  const subject = encodeName(commonName, []);
  const caKeyId = await keyId(spki);
  return {
    certPem,
    keyPem,
    commonName,
    async issueClientCertificate(cn: string, organizations: string[] = []) {
      if (cn.length === 0) throw new TypeError("A client certificate needs a non-empty name");
      const leaf = await generateKeyPairPem();
      const leafSpki = new Uint8Array(await crypto.subtle.exportKey("spki", leaf.keys.publicKey));
      const leafExtensions = [
        extension("2.5.29.19", true, derSequence()),
        extension("2.5.29.15", true, derBitString(new Uint8Array([0x80]), 7)), // digitalSignature
        extension("2.5.29.37", false, derSequence(derOid("1.3.6.1.5.5.7.3.2"))), // clientAuth
        // authorityKeyIdentifier: [0] IMPLICIT keyIdentifier.
        extension("2.5.29.35", false, derSequence(derElement(0x80, caKeyId))),
      ];
      const der = await signCertificate(
        subject,
        encodeName(cn, organizations),
        leafSpki,
        leafExtensions,
        keys.privateKey,
      );
      return { certPem: toPem("CERTIFICATE", der), keyPem: leaf.privateKeyPem, commonName: cn };
    },
  };
}

function encodeName(commonName: string, organizations: string[]): Uint8Array {
  const rdns = organizations.map((o) => derSet(derSequence(derOid("2.5.4.10"), derUtf8String(o))));
  rdns.push(derSet(derSequence(derOid("2.5.4.3"), derUtf8String(commonName))));
  return derSequence(...rdns);
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  const parts = [derOid(oid)];
  if (critical) parts.push(derBoolean(true));
  parts.push(derOctetString(value));
  return derSequence(...parts);
}

async function keyId(spki: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", spki));
  return digest.subarray(0, 20);
}

async function signCertificate(
  issuer: Uint8Array,
  subject: Uint8Array,
  spki: Uint8Array,
  extensions: Uint8Array[],
  signingKey: CryptoKey,
): Promise<Uint8Array<ArrayBuffer>> {
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f;
  const now = Date.now();
  const algorithm = derSequence(derOid(ECDSA_SHA256));
  const tbs = derSequence(
    derExplicit(0, derInteger(2)), // v3
    derInteger(serial),
    algorithm,
    issuer,
    derSequence(derTime(new Date(now - 3600_000)), derTime(new Date(now + VALIDITY_MS))),
    subject,
    spki,
    derExplicit(3, derSequence(...extensions)),
  );
  const raw = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signingKey, tbs),
  );
  // WebCrypto gives r||s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }.
  const half = raw.length / 2;
  const signature = derSequence(derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half)));
  return derSequence(tbs, algorithm, derBitString(signature));
}
