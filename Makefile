# The two commands: `make run` and `make test`. Both install what is missing first.
.PHONY: run test bench build setup watch

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

build:
	scripts/setup.sh build
	scripts/build-site.sh

setup:
	scripts/setup.sh test

# Development with hot reload; needs `cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads`.
watch:
	cargo leptos watch
