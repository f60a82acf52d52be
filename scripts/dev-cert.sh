#!/usr/bin/env bash
# Makes a local certificate authority and a server certificate it signs, for serving hsoauth over
# HTTPS on this machine (openssl only).
#   scripts/dev-cert.sh [--out DIR] [--hubspot] [HOST...]
# DIR (default var/dev-cert in the repository) receives:
#   ca.pem, ca.key      the CA, made once and kept, so that clients which trust it go on trusting it
#   ca-bundle.pem       the system's CA bundle plus ca.pem (for SSL_CERT_FILE, REQUESTS_CA_BUNDLE)
#   server.pem, server.key   the server certificate and key (tls_cert, tls_key), made anew each run
# The server certificate is for localhost, 127.0.0.1, ::1 and each HOST (an IP address becomes
# an IP name); --hubspot adds the host names of HubSpot's API and app, for integrations that
# hard-code https://api.hubapi.com (see the README). Keys are EC P-256, readable by the owner only.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$repo/var/dev-cert
hosts=(localhost 127.0.0.1 ::1)
hubspot_hosts=(api.hubapi.com api.hubspot.com app.hubspot.com app-eu1.hubspot.com api-eu1.hubapi.com)

usage() { echo "usage: scripts/dev-cert.sh [--out DIR] [--hubspot] [HOST...]" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    --hubspot) hosts+=("${hubspot_hosts[@]}"); shift ;;
    -h|--help) usage ;;
    -*) echo "dev-cert.sh: unknown option $1" >&2; usage ;;
    *) hosts+=("$1"); shift ;;
  esac
done

command -v openssl >/dev/null || { echo "dev-cert.sh: openssl is not installed (apt-get install openssl)" >&2; exit 1; }

# subjectAltName entries, each host once.
san=()
declare -A seen=()
for host in "${hosts[@]}"; do
  lower=${host,,}
  [ -n "${seen[$lower]:-}" ] && continue
  seen[$lower]=1
  if [[ $lower =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || [[ $lower =~ ^[0-9a-f:.]+$ && $lower == *:* ]]; then
    san+=("IP:$lower")
  elif [[ $lower =~ ^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$ ]]; then
    san+=("DNS:$lower")
  else
    echo "dev-cert.sh: '$host' is neither a host name nor an IP address" >&2
    exit 2
  fi
done
san_line=$(IFS=,; echo "${san[*]}")

mkdir -p "$out"
out=$(cd "$out" && pwd)
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -s "$out/ca.pem" ] || [ ! -s "$out/ca.key" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/ca.key" 2>/dev/null
  cat >"$work/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca
[dn]
CN = hsoauth local development CA
O = hsoauth
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -new -key "$out/ca.key" -config "$work/ca.cnf" -days 3650 -sha256 \
    -out "$out/ca.pem" 2>/dev/null
  created_ca=yes
fi

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/server.key" 2>/dev/null
openssl req -new -key "$work/server.key" -subj "/CN=${hosts[0]}/O=hsoauth" -out "$work/server.csr" 2>/dev/null
cat >"$work/server.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san_line
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
# 397 days: the longest validity browsers accept for a server certificate.
openssl x509 -req -in "$work/server.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" \
  -set_serial "0x$(openssl rand -hex 15)" -days 397 -sha256 -extfile "$work/server.ext" \
  -out "$work/server.pem" 2>/dev/null
mv "$work/server.key" "$out/server.key"
mv "$work/server.pem" "$out/server.pem"
chmod 644 "$out/ca.pem" "$out/server.pem"

system_bundle=/etc/ssl/certs/ca-certificates.crt
if [ -r "$system_bundle" ]; then
  cat "$system_bundle" "$out/ca.pem" >"$out/ca-bundle.pem"
else
  cp "$out/ca.pem" "$out/ca-bundle.pem"
fi
chmod 644 "$out/ca-bundle.pem"

echo "${created_ca:+made a new CA; }server certificate for: ${san_line//,/ }"
echo "  CA certificate      $out/ca.pem"
echo "  CA bundle           $out/ca-bundle.pem (the system's CAs and this one)"
echo "  server certificate  $out/server.pem   (tls_cert)"
echo "  server key          $out/server.key   (tls_key)"
echo
echo "serve HTTPS:"
echo "  hsoauth serve --tls-listen 127.0.0.1:8443 --tls-cert $out/server.pem --tls-key $out/server.key"
echo "trust the CA in the shell that runs your integration:"
echo "  export NODE_EXTRA_CA_CERTS=$out/ca.pem"
echo "  export SSL_CERT_FILE=$out/ca-bundle.pem"
echo "  export REQUESTS_CA_BUNDLE=$out/ca-bundle.pem"
