#!/bin/sh
# A throwaway CA and a TLS certificate for MinIO (pgBackRest speaks S3 over TLS only).
#   make-certs.sh DIR  ->  DIR/ca.crt, DIR/minio/public.crt, DIR/minio/private.key
# Idempotent: an existing DIR/ca.crt is kept.  The CA key is deleted after signing.
set -eu
dir=${1:?usage: make-certs.sh DIR}
[ -s "$dir/ca.crt" ] && [ -s "$dir/minio/public.crt" ] && exit 0
mkdir -p "$dir/minio"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=dataops-test-ca \
  -keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=minio \
  -keyout "$tmp/private.key" -out "$tmp/minio.csr" 2>/dev/null
printf 'subjectAltName=DNS:minio,DNS:localhost,IP:127.0.0.1\n' > "$tmp/san.ext"
openssl x509 -req -in "$tmp/minio.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial \
  -days 3650 -extfile "$tmp/san.ext" -out "$tmp/public.crt" 2>/dev/null
chmod 0644 "$tmp/ca.crt" "$tmp/public.crt"
chmod 0600 "$tmp/private.key"
mv "$tmp/private.key" "$tmp/public.crt" "$dir/minio/"
mv "$tmp/ca.crt" "$dir/ca.crt"
