# Vernissage: `make run` serves the demo site; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000
# The address links in e-mails (invitations, notifications) point at: the one `make run` serves, unless set.
# ADDR may be a bare port, as runserver allows.
SITE_URL ?= http://$(if $(findstring :,$(ADDR)),$(ADDR),127.0.0.1:$(ADDR))

.PHONY: install run worker test lint messages clean

REQUIREMENTS := $(wildcard requirements/*.txt)

$(STAMP): $(REQUIREMENTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(if $(wildcard /opt/wheels),--find-links /opt/wheels) -r requirements/dev.txt
	$(PY) -m pip install -q --no-deps -r requirements/worker-nodeps.txt
	touch $@

# axe-core, pinned in package-lock.json, checks every portal page for accessibility in the browser tests.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(STAMP) $(NODE_STAMP)

DEMO_MODEL := var/models/demo-wan

run: $(STAMP)
	mkdir -p var/broker/queue var/broker/processed
	$(PY) manage.py migrate --noinput
	test -f $(DEMO_MODEL)/model_index.json -a -f $(DEMO_MODEL)-i2v/model_index.json || \
		$(PY) manage.py build_demo_model $(DEMO_MODEL)
	$(PY) manage.py seed_demo
	@echo "Vernissage is starting at http://$(ADDR)/ (Ctrl-C stops the site and its worker)"
	@trap 'kill 0' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) $(VENV)/bin/celery -A accessprogram worker -B -s var/celerybeat-schedule -Q gpu,celery \
		--pool solo --concurrency 1 -l info & \
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(ADDR)

worker: $(STAMP)
	$(VENV)/bin/celery -A accessprogram worker -Q gpu,celery --pool solo --concurrency 1 -l info

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

# Needs GNU gettext (xgettext, msgmerge, msgfmt). The compiled .mo files are committed, so running and
# testing the site does not.
LOCALES := it fr ja
messages: install
	mkdir -p $(addprefix locale/,$(addsuffix /LC_MESSAGES,$(LOCALES)))
	$(PY) manage.py makemessages --no-obsolete --add-location=file $(addprefix -l ,$(LOCALES)) \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages $(addprefix -l ,$(LOCALES)) --ignore '.venv/*'

clean:
	rm -rf var/broker var/static
