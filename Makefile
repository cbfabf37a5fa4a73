# The two commands: `make run` and `make test`. Both install what is missing first.
.PHONY: run test bench build setup

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh $(ARGS)

build:
	scripts/setup.sh build
	scripts/build-site.sh

setup:
	scripts/setup.sh test
