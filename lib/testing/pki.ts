// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * The control plane's key material in one folder: a client CA, the admin and
 * kube-controller-manager client certificates, and the service-account signing key. Made on
 * first use and read back afterwards, so a persistent cluster keeps its kubeconfigs valid
 * across restarts.
 *
 * Internal: not part of the public testing surface.
 *
 * @module
 */
import { join } from "node:path";
import {
  type CertificateAuthority,
  createCertificateAuthority,
  generateKeyPairPem,
  loadCertificateAuthority,
} from "./certs.ts";
import { CONTROLLER_MANAGER_USER } from "./controller_manager.ts";
import { pathExists } from "./assets/path_exists.ts";

const CA_NAME = "staircase-test-client-ca";

/** A client certificate and its key, PEM. */
export interface ClientPem {
  /** The certificate. */
  certPem: string;
  /** The private key. */
  keyPem: string;
}

/** The key material of one control plane. */
export interface Pki {
  /** The client CA. */
  ca: CertificateAuthority;
  /** Path of the client CA certificate (kube-apiserver `--client-ca-file`). */
  clientCaPath: string;
  /** Path of the service-account public key. */
  serviceAccountPublicKeyPath: string;
  /** Path of the service-account signing key. */
  serviceAccountKeyPath: string;
  /** User "admin" in group system:masters. */
  admin: ClientPem;
  /** User system:kube-controller-manager. */
  controllerManager: ClientPem;
}

/**
 * Reads the key material from `dir`, making what is missing (all of it in a new folder).
 *
 * @example
 * ```ts ignore
 * import { preparePki } from "./pki.ts";
 * const pki = await preparePki("/tmp/cp/pki");
 * ```
 */
export async function preparePki(dir: string): Promise<Pki> {
  await Deno.mkdir(dir, { recursive: true });
  const path = (name: string): string => join(dir, name);
  let ca: CertificateAuthority;
  if (await pathExists(path("client-ca.key"))) {
    ca = await loadCertificateAuthority(
      CA_NAME,
      await Deno.readTextFile(path("client-ca.crt")),
      await Deno.readTextFile(path("client-ca.key")),
    );
  } else {
    ca = await createCertificateAuthority(CA_NAME);
    await Deno.writeTextFile(path("client-ca.crt"), ca.certPem);
    // Written last: its presence means the CA pair is complete.
    await Deno.writeTextFile(path("client-ca.key"), ca.keyPem, { mode: 0o600 });
  }
  if (!(await pathExists(path("sa.key")))) {
    const sa = await generateKeyPairPem();
    await Deno.writeTextFile(path("sa.pub"), sa.publicKeyPem);
    await Deno.writeTextFile(path("sa.key"), sa.privateKeyPem, { mode: 0o600 });
  }
  return {
    ca,
    clientCaPath: path("client-ca.crt"),
    serviceAccountPublicKeyPath: path("sa.pub"),
    serviceAccountKeyPath: path("sa.key"),
    admin: await clientPem(dir, "admin", ca, "admin", ["system:masters"]),
    controllerManager: await clientPem(dir, "controller-manager", ca, CONTROLLER_MANAGER_USER, []),
  };
}

async function clientPem(
  dir: string,
  file: string,
  ca: CertificateAuthority,
  user: string,
  groups: string[],
): Promise<ClientPem> {
  const certPath = join(dir, `${file}.crt`);
  const keyPath = join(dir, `${file}.key`);
  if (await pathExists(keyPath)) {
    return { certPem: await Deno.readTextFile(certPath), keyPem: await Deno.readTextFile(keyPath) };
  }
  const issued = await ca.issueClientCertificate(user, groups);
  await Deno.writeTextFile(certPath, issued.certPem);
  await Deno.writeTextFile(keyPath, issued.keyPem, { mode: 0o600 });
  return { certPem: issued.certPem, keyPem: issued.keyPem };
}
