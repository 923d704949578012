/** Creates (once) the local test CA and certificates under .data/test-certs and prints the CA's path. */
import { ensureTestCertificates } from "../testing/test-ca";

console.log(ensureTestCertificates().caCertPath);
