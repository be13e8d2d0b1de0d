import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const ALG: EcKeyGenParams & EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};
const DAY = 24 * 60 * 60 * 1000;

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

export interface ServerTls {
  ca: CaMaterial;
  certPem: string;
  keyPem: string;
}

function toPem(der: ArrayBuffer, label: string) {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

async function exportKey(key: CryptoKey) {
  return toPem(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Creates a self-signed CA like the one a real cluster's control plane has. */
export async function createCa(
  commonName = 'host-simulator-ca',
): Promise<CaMaterial> {
  const keys = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.cRLSign |
          x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: await exportKey(keys.privateKey),
  };
}

export interface SubjectAltNames {
  dns: string[];
  ips: string[];
}

const HOST_SANS: SubjectAltNames = {
  dns: ['localhost', 'kubernetes.default.svc'],
  ips: ['127.0.0.1', '::1'],
};

/** Issues a `kube-apiserver` serving certificate for `sans` (default: 127.0.0.1, ::1, localhost), signed by the CA. */
export async function issueServerCert(
  ca: CaMaterial,
  sans: SubjectAltNames = HOST_SANS,
): Promise<ServerTls> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await crypto.subtle.importKey(
    'pkcs8',
    fromPem(ca.keyPem),
    ALG,
    false,
    ['sign'],
  );
  const keys = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=kube-apiserver',
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...sans.ips.map(value => ({ type: 'ip' as const, value })),
        ...sans.dns.map(value => ({ type: 'dns' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return {
    ca,
    certPem: cert.toString('pem'),
    keyPem: await exportKey(keys.privateKey),
  };
}
