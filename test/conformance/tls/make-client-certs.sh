#!/usr/bin/env bash
# Regenerates the test-only client-certificate material of the conformance suite (495/496 cases).
# Needs openssl; the tests themselves only read the files. Run from anywhere:
#   bash test/conformance/tls/make-client-certs.sh
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
days=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca_ext='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign'
leaf_ext='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'
printf "$ca_ext\n" > ca.ext
printf "$leaf_ext\n" > leaf.ext

# The client CA the servers trust, and an intermediate CA under it.
ec ca.key
openssl req -x509 -new -key ca.key -subj '/CN=StatusLens test client CA' -days $days -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' -out ca.crt
ec int.key
openssl req -new -key int.key -subj '/CN=StatusLens test intermediate CA' -out int.csr
openssl x509 -req -in int.csr -CA ca.crt -CAkey ca.key -set_serial 2 -days $days -extfile ca.ext -out int.crt 2>/dev/null
# A CA nobody trusts.
ec other.key
openssl req -x509 -new -key other.key -subj '/CN=StatusLens untrusted CA' -days $days -addext 'basicConstraints=critical,CA:TRUE' -out other.crt

leaf() { # name subject issuer-crt issuer-key serial
  ec "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$3" -CAkey "$4" -set_serial "$5" -days $days -extfile leaf.ext -out "$1.crt" 2>/dev/null
  cat "$1.crt" "$1.key" > "$out/client-$1.pem"
}
leaf good 'statuslens good client' ca.crt ca.key 10
leaf unknown-ca 'statuslens client of an untrusted CA' other.crt other.key 11
leaf via-intermediate 'statuslens client via intermediate' int.crt int.key 12
ec self-signed.key
openssl req -x509 -new -key self-signed.key -subj '/CN=statuslens self-signed client' -days $days -out self-signed.crt
cat self-signed.crt self-signed.key > "$out/client-self-signed.pem"

# Expired: signed by the client CA, valid 2000-01-01..2001-01-01 (openssl ca sets past dates).
ec expired.key
openssl req -new -key expired.key -subj '/CN=statuslens expired client' -out expired.csr
mkdir -p db && : > db/index.txt && echo 13 > db/serial
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
dir = $work/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
openssl ca -batch -config ca.cnf -extensions leaf -cert ca.crt -keyfile ca.key -in expired.csr \
  -startdate 20000101000000Z -enddate 20010101000000Z -notext -out expired.crt 2>/dev/null
cat expired.crt expired.key > "$out/client-expired.pem"

cp ca.crt "$out/client-ca.crt"
cat ca.crt int.crt > "$out/client-ca-and-intermediate.crt"
echo "written to $out"
