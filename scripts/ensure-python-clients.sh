#!/usr/bin/env bash
# The tests drive cloudbox with boto3 and the aws CLI too, and the benchmarks run moto server beside it.
# Use the machine's python3 when it has them; otherwise install them from the package index or Debian.
set -uo pipefail
have() { python3 -c "import boto3, botocore" 2>/dev/null && command -v aws >/dev/null; }
if have; then
  echo "python clients: $(python3 -c 'import boto3; print("boto3", boto3.__version__)'), $(aws --version 2>&1)"
  exit 0
fi
echo "python clients missing; installing"
python3 -m pip install --quiet boto3 awscli "moto[server]" 2>/dev/null \
  || { command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq python3-boto3 awscli python3-moto; }
have || { echo "boto3 and the aws CLI could not be installed: the boto3/CLI tests will fail" >&2; exit 1; }
