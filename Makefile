# Two commands on a fresh Debian machine: `make report` and `make test`.
# Both set everything up first (Debian packages, venv, pinned deps), idempotently.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := chromium chromium-headless-shell fontconfig fonts-noto-cjk poppler-utils
export GX_ANALYTICS_ENABLED := false

.PHONY: report test setup system system-test apt-missing fonts lint typecheck unit bench clean

# Exit status 1 means some reports failed their checks or crashed: the summary
# names each one. The bundled data has three deliberately broken records, whose
# reports are rendered and marked, so 1 is expected here; anything else is not.
report: setup
	@$(BIN)/gongkai render --all; status=$$?; \
	if [ $$status -gt 1 ]; then exit $$status; fi; \
	if [ $$status -eq 1 ]; then echo "注意：上面列出的报告未通过校验或生成失败；示例数据中有 3 份是故意出错的。"; fi

test: system-test $(STAMP) fonts lint typecheck unit

setup: system $(STAMP) fonts

# The PDFs embed TrueType subsets of Noto CJK SC (as published PDFs embed 宋体 and
# 黑体) instead of Type 3 glyphs: under half Chromium's printing time. Built once
# (a minute or two) into ~/.cache/gongkai/fonts, shared by every clone; seconds when present.
fonts: $(STAMP)
	@$(BIN)/python -m gongkai.production.fonts

# Debian packages: Chromium's headless shell prints the PDFs (the full chromium is
# there for people and the naive-loop benchmark), Noto CJK gives Chinese glyphs,
# poppler-utils lets the tests read PDFs; LibreOffice (Writer and Calc, no GUI,
# ~50 MB) is for the tests only: it opens the Word and Excel files we write and
# prints them, as an office would.
# Installed only when missing.
system:
	@$(MAKE) -s --no-print-directory apt-missing NEED="chromium chromium-headless-shell fontconfig fonts-noto-cjk poppler-utils python3-venv"

system-test:
	@$(MAKE) -s --no-print-directory apt-missing NEED="chromium chromium-headless-shell fontconfig fonts-noto-cjk poppler-utils python3-venv libreoffice-writer-nogui libreoffice-calc-nogui libgl1"

apt-missing:
	@missing=""; \
	for pkg in $(NEED); do \
	  case $$pkg in \
	    chromium) [ -x /usr/lib/chromium/chromium ] || missing="$$missing chromium";; \
	    chromium-headless-shell) [ -x /usr/lib/chromium/chromium-headless-shell ] || missing="$$missing chromium-headless-shell";; \
	    fontconfig) command -v fc-match >/dev/null || missing="$$missing fontconfig";; \
	    fonts-noto-cjk) fc-list 2>/dev/null | grep -q "Noto Sans CJK SC" || missing="$$missing fonts-noto-cjk";; \
	    poppler-utils) command -v pdftoppm >/dev/null || missing="$$missing poppler-utils";; \
	    python3-venv) $(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv";; \
	    libreoffice-writer-nogui) [ -e /usr/lib/libreoffice/program/libswlo.so ] || missing="$$missing libreoffice-writer-nogui";; \
	    libreoffice-calc-nogui) [ -e /usr/lib/libreoffice/program/libsclo.so ] || missing="$$missing libreoffice-calc-nogui";; \
	    libgl1) ldconfig -p 2>/dev/null | grep -q "libGL.so.1 " || missing="$$missing libgl1";; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "缺少 Debian 软件包:$$missing —— 请以 root 运行: apt-get install$$missing" >&2; exit 1; fi; \
	  echo "安装 Debian 软件包:$$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing \
	    || { echo "无法安装:$$missing（需要 apt 和网络）" >&2; exit 1; }; \
	fi

$(STAMP): pyproject.toml constraints.txt
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder -q

bench: setup
	$(BIN)/python benchmarks/bulk.py

clean:
	rm -rf output/*/ output/index.html output/manifest.json
