#!/usr/bin/env bash
# Reproduces the shipped calibration, configs/calibrated-2025.toml, from the observed record in
# one command (about a minute on 2 cores): the parameters of configs/hindcast-2025.toml that
# the 2025 data inform, over their prior ranges (docs/calibration.md). Extra arguments go to
# tools/calibrate.sh, e.g. --points 1024.
set -euo pipefail
cd "$(dirname "$0")/.."
exec tools/calibrate.sh configs/hindcast-2025.toml --observed tests/data/observed-2025.csv \
  --param regime.april_controls.approval=0.2:1 \
  --param regime.framework.approval=0.3:1 \
  --param regime.april_controls.throttle.Dy,regime.april_controls.throttle.Tb=0:0.5 \
  --param regime.framework.throttle.Dy,regime.framework.throttle.Tb=0:1 \
  --param regime.framework.price_premium.Dy,regime.framework.price_premium.Tb=1:4 \
  --param material.Dy.price_elasticity,material.Tb.price_elasticity=0.3:3 \
  --param segment.west_auto.cover_days.median=5:60 \
  --param regime.april_controls.licence_days.median=40:90 \
  --param regime.april_controls.licence_days.sigma=0.05:0.6 \
  --points 512 --paths 4000 --seed 20250404 -o configs/calibrated-2025.toml "$@"
