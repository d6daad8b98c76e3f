"""What editors write, read the way the site needs it: small fixture sites built for real."""

from __future__ import annotations

import hashlib
import unicodedata

from conftest import ROOT, SITEURL, article, page


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_valid_article_builds_with_ascii_address_and_vietnamese_dates(fixture_site):
    fixture_site.write("articles/2026/Đăng ký khai sinh trực tuyến.md",
                       article(title="Đăng ký khai sinh trực tuyến", date="2026-01-05 08:00"))
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    path = fixture_site.output / "tin-tuc/2026/01/dang-ky-khai-sinh-truc-tuyen/index.html"
    doc = page(path)
    assert doc.xpath("//h1")[0].text_content() == "Đăng ký khai sinh trực tuyến"
    assert doc.xpath("//p[@class='cc-article__date']/time")[0].text == "ngày 05 tháng 01 năm 2026"
    assert doc.xpath("//p[@class='cc-article__date']/time/@datetime")[0] == "2026-01-05T08:00:00+07:00"


def test_text_is_normalised_to_nfc_without_invisible_characters(fixture_site):
    title = unicodedata.normalize("NFD", "Thủ tục đăng ký thường trú") + "\u200b"
    fixture_site.write("articles/thuong-tru.md", article(title=title, body="Đăng k\u200eý tại \u00d0iểm tiếp nhận."))
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    raw = (fixture_site.output / "tin-tuc/2026/03/thuong-tru/index.html").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", raw)
    assert "Thủ tục đăng ký thường trú" in raw
    assert "Đăng ký tại Điểm tiếp nhận." in raw
    assert "\u200b" not in raw and "\u200e" not in raw


def test_category_written_by_code_or_unaccented_name(fixture_site):
    fixture_site.write("articles/a.md", article(title="Bài A", category="chinh-quyen-so"))
    fixture_site.write("articles/b.md", article(title="Bài B", category="chinh quyen so, chuyen doi so"))
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    doc = page(fixture_site.output / "chuyen-muc/chinh-quyen-so/index.html")
    assert doc.xpath("//h1")[0].text_content() == "Chính quyền số, chuyển đổi số"
    assert len(doc.xpath("//ul[@class='cc-list']/li")) == 2


def assert_fails_with(fixture_site, *fragments):
    result = fixture_site.build()
    assert result.returncode != 0, result.log
    log = " ".join(result.log.split())
    for fragment in fragments:
        assert fragment in log, log[-3000:]
    return log


def test_unknown_category_body_form_area_and_task_are_all_reported(fixture_site):
    fixture_site.write("articles/sai.md", article(category="Tin tức chung", co_quan="Sở Tư pháp",
                                                   hinh_thuc="bản tin", noi_dung="m, z",
                                                   extra="nhiem_vu: 07"))
    assert_fails_with(
        fixture_site,
        "content/articles/sai.md, dòng 3, khóa “Category”: chuyên mục “Tin tức chung” không có trong danh mục.",
        "sai.md, dòng 6, khóa “co_quan”: cơ quan “Sở Tư pháp” không có trong danh mục.",
        "sai.md, dòng 7, khóa “hinh_thuc”: hình thức “bản tin” không có trong danh mục.",
        "sai.md, dòng 8, khóa “noi_dung”: mục nội dung “z” không có trong danh mục.",
        "sai.md, dòng 9, khóa “nhiem_vu”: nhiệm vụ “07” không có trong danh mục.",
        "Cách sửa: Dùng một trong: thu-tuc-dich-vu-cong (Thủ tục hành chính và dịch vụ công)",
        "Có 5 lỗi trong nội dung",
    )


def test_day_first_date_is_rejected_not_read_as_american(fixture_site):
    fixture_site.write("articles/ngay.md", article(date="05/01/2026"))
    assert_fails_with(fixture_site, "ngay.md, dòng 2, khóa “Date”: ngày “05/01/2026” viết theo kiểu ngày/tháng/năm",
                      "Viết theo dạng năm-tháng-ngày: 2026-01-05.")
    assert not (fixture_site.output / "tin-tuc/2026/05").exists()


def test_missing_required_metadata(fixture_site):
    fixture_site.write("articles/thieu.md", "Title: Thiếu khai báo\nDate: 2026-03-01\n\nNội dung.\n")
    assert_fails_with(fixture_site, "thieu.md, khóa “Summary”: thiếu tóm tắt.",
                      "thieu.md, khóa “Category”: thiếu chuyên mục.",
                      "thieu.md, khóa “co_quan”: thiếu cơ quan.",
                      "thieu.md, khóa “noi_dung”: thiếu mục nội dung.")


def test_addresses_that_collide_after_removing_accents(fixture_site):
    fixture_site.write("articles/hòa-giải.md", article(title="Hòa giải ở cơ sở"))
    fixture_site.write("articles/hóa-giải.md", article(title="Hóa giải vướng mắc"))
    assert_fails_with(fixture_site, "trùng địa chỉ “tin-tuc/2026/03/hoa-giai/”", "hòa-giải.md", "hóa-giải.md")


def test_image_without_description_is_rejected(fixture_site):
    fixture_site.copy(ROOT / "content/images/2026/duong-day-nong-phan-anh-kien-nghi.jpg", "images/anh.jpg")
    fixture_site.write("articles/anh.md", article(body="\n![]({static}/images/anh.jpg \"Chú thích\")\n"))
    assert_fails_with(fixture_site, "anh.md, dòng 12: ảnh “anh.jpg” chưa có mô tả cho người khiếm thị.")


def test_audio_programme_needs_its_file_and_a_transcript(fixture_site):
    fixture_site.write("articles/phat-thanh.md", "\n".join([
        "Title: Chương trình phát thanh", "Date: 2026-04-01", "Category: Cuộc thi, phong trào",
        "Summary: Chương trình.", "co_quan: ttdvsnc", "hinh_thuc: am-thanh", "noi_dung: n",
        "am_thanh: media/khong-co.mp3", "", "Ngắn.", ""]))
    assert_fails_with(fixture_site, "phat-thanh.md, dòng 8, khóa “am_thanh”: không tìm thấy tệp “media/khong-co.mp3”.")


def test_media_outside_content_folder_is_refused(fixture_site):
    fixture_site.write("articles/ra-ngoai.md", article(extra="anh: ../../etc/passwd\nanh_mo_ta: Ảnh"))
    assert_fails_with(fixture_site, "ra-ngoai.md, dòng 9, khóa “anh”: đường dẫn “../../etc/passwd” nằm ngoài thư mục content/.")


def test_video_embed_only_from_allowed_host(fixture_site):
    fixture_site.write("articles/video.md", article(hinh_thuc="video", extra="video_nhung: https://evil.example/embed/x",
                                                    body="Mô tả video. " * 20))
    assert_fails_with(fixture_site, "video.md, dòng 9, khóa “video_nhung”: chỉ nhúng được video từ www.youtube-nocookie.com")


def test_failed_build_leaves_previous_output_untouched(fixture_site):
    fixture_site.write("articles/tot.md", article(title="Bài đúng"))
    assert fixture_site.build().returncode == 0
    before = tree_digest(fixture_site.output)
    fixture_site.write("articles/tot.md", article(title="Bài đúng đã sửa"))
    fixture_site.write("articles/loi.md", article(title="Bài lỗi", category="Không có"))
    result = fixture_site.build()
    assert result.returncode != 0
    assert tree_digest(fixture_site.output) == before


def test_feeds_of_a_fixture_site_use_given_siteurl(fixture_site):
    fixture_site.write("articles/a.md", article(title="Bài A", body="Xem [liên hệ](/lien-he/)."))
    assert fixture_site.build().returncode == 0
    rss = (fixture_site.output / "feeds/tat-ca.rss.xml").read_text(encoding="utf-8")
    assert f"{SITEURL}/lien-he/" in rss  # a root-relative link written by hand becomes absolute


def test_date_in_the_future_needs_intent(fixture_site):
    fixture_site.write("articles/sau.md", article(date="2027-01-15 08:00"))
    assert_fails_with(fixture_site, "sau.md, dòng 2, khóa “Date”: ngày đăng 15/01/2027 ở tương lai.",
                      "thêm dòng “hen_gio: co”")
    fixture_site.write("articles/sau.md", article(date="2027-01-15 08:00", extra="hen_gio: co"))
    result = fixture_site.build()
    assert result.returncode == 0, result.log
    assert not list((fixture_site.output / "tin-tuc").glob("2027/**/index.html"))  # waits for its day


def test_script_and_unsafe_html_are_refused(fixture_site):
    fixture_site.write("articles/html.md", article(body="\n".join([
        "", "<script>alert(1)</script>", "",
        '<p onclick="steal()">Bấm vào đây</p>', "",
        '<iframe src="https://evil.example/x"></iframe>', "",
        '[Liên kết](javascript:alert(1))', ""])))
    before = fixture_site.output.exists()
    log = assert_fails_with(
        fixture_site,
        "html.md, dòng 12: nội dung có thẻ <script>, không được phép trong bài (có thể chạy mã độc trên máy người đọc); "
        "trang không đăng nội dung này.",
        "html.md, dòng 14: nội dung có thuộc tính “onclick” trong thẻ <p>",
        "html.md, dòng 16: nội dung có khung nhúng <iframe> từ “evil.example”",
        "html.md, dòng 18: nội dung có địa chỉ “javascript:alert(1)”")
    assert "Cách sửa: Xóa đoạn HTML đó" in log
    assert fixture_site.output.exists() == before


def test_links_to_missing_content_files_and_anchors(fixture_site):
    fixture_site.write("articles/dich.md", article(title="Bài đích", body="\n## Thành phần hồ sơ\n\nNội dung.\n"))
    fixture_site.write("articles/nguon.md", article(title="Bài nguồn", body="\n".join([
        "", "Xem [bài đích]({filename}dich.md#thanh-phan-ho-so) và [mục khác]({filename}dich.md#khong-co).",
        "", "Xem [bài không có]({filename}khong-co.md).",
        "", "Tải [mẫu đơn]({static}/media/mau-don.docx).",
        "", "Mở [tệp ngoài]({static}../../../etc/passwd).",
        "", "Về [đầu bài](#muc-khong-co).", ""])))
    assert_fails_with(
        fixture_site,
        "nguon.md, dòng 12: liên kết “{filename}dich.md#khong-co” trang đích không có mục “#khong-co”.",
        "nguon.md, dòng 14: liên kết “{filename}khong-co.md” không có bài hoặc trang “articles/khong-co.md”.",
        "nguon.md, dòng 16: liên kết “{static}/media/mau-don.docx” không tìm thấy tệp “media/mau-don.docx”.",
        "nguon.md, dòng 18: liên kết “{static}../../../etc/passwd” trỏ ra ngoài thư mục content/.",
        "nguon.md, dòng 20: liên kết “#muc-khong-co” không có mục (tiêu đề) nào mang tên này trong bài.")


def test_oversized_media_is_refused(fixture_site):
    fixture_site.write("articles/a.md", article())
    big = fixture_site.content / "media" / "phong-su-dai.mp4"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as handle:
        handle.truncate(201 * 1024 * 1024)  # sparse: no real disk use
    assert_fails_with(fixture_site, "media/phong-su-dai.mp4: tệp nặng 201,0 MB, quá giới hạn 200 MB cho loại tệp này")


def test_unsafe_text_in_procedure_data_is_refused(fixture_site):
    from test_procedures_site import record

    fixture_site.write("articles/a.md", article())
    fixture_site.write("procedures/1.001193.yaml", record("1.001193", "Thủ tục đăng ký khai sinh").replace(
        "Cán bộ tiếp nhận kiểm tra và trả kết quả.", "<img src=x onerror=alert(1)>"))
    assert_fails_with(fixture_site, "1.001193.yaml, khóa “trinh_tu[1].mo_ta”: có thuộc tính “onerror” trong thẻ <img>")


def test_yes_no_where_true_false_is_expected(fixture_site):
    from test_procedures_site import record

    fixture_site.write("articles/a.md", article())
    fixture_site.write("procedures/1.001193.yaml", record("1.001193", "Thủ tục đăng ký khai sinh").replace(
        "bat_buoc: true", "bat_buoc: yes"))
    assert_fails_with(fixture_site, "khóa “ho_so[0].giay_to[0].bat_buoc”: phải là true hoặc false.")


def run_cchc(*args, env_extra=None):
    import os
    import subprocess
    import sys

    from conftest import BUILD_DATE

    env = dict(os.environ, CCHC_BUILD_DATE=BUILD_DATE, SITEURL=SITEURL, COLUMNS="200")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "cchc.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_check_reports_every_problem_at_once_and_writes_nothing(fixture_site):
    fixture_site.write("articles/mot.md", article(title="Bài một", category="Không có"))
    fixture_site.write("articles/hai.md", article(title="Bài hai", date="05/01/2026"))
    fixture_site.write("articles/ba.md", article(title="Bài ba", body="\n<script>x()</script>\n"))
    result = run_cchc("check", "--content", str(fixture_site.content))
    assert result.returncode == 1
    assert "Có 3 lỗi trong nội dung" in result.stderr
    for name in ("mot.md, dòng 3", "hai.md, dòng 2", "ba.md, dòng 12"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert not fixture_site.output.exists()


def test_check_tells_what_it_normalised(fixture_site):
    fixture_site.write("articles/nfd.md", article(title=unicodedata.normalize("NFD", "Thủ tục hộ tịch")))
    result = run_cchc("check", "--content", str(fixture_site.content))
    assert result.returncode == 0, result.stderr
    assert "nfd.md, dòng 1: đã tự chuẩn hóa: dấu thanh viết tách rời" in result.stdout
    assert "Không có lỗi" in result.stdout


def test_build_swaps_the_output_only_on_success(fixture_site, tmp_path):
    out = tmp_path / "web" / "output"
    fixture_site.write("articles/tot.md", article(title="Bài đúng"))
    first = run_cchc("build", "--production", "--content", str(fixture_site.content), "-o", str(out))
    assert first.returncode == 0, first.stderr
    before = tree_digest(out)
    fixture_site.write("articles/loi.md", article(title="Bài lỗi", category="Không có"))
    second = run_cchc("build", "--production", "--content", str(fixture_site.content), "-o", str(out))
    assert second.returncode == 1 and "loi.md, dòng 3" in second.stderr
    assert tree_digest(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["output"]  # no half-built folder left behind
    (fixture_site.content / "articles/loi.md").unlink()
    fixture_site.write("articles/moi.md", article(title="Bài mới"))
    third = run_cchc("build", "--production", "--content", str(fixture_site.content), "-o", str(out))
    assert third.returncode == 0, third.stderr
    assert (out / "tin-tuc/2026/03/moi/index.html").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["output"]


def test_unreadable_date(fixture_site):
    fixture_site.write("articles/ngay-sai.md", article(date="2026-13-45"))
    assert_fails_with(fixture_site, "ngay-sai.md, dòng 2, khóa “Date”: không đọc được ngày “2026-13-45”.")


def test_malformed_yaml_data_file_stops_the_build_with_its_line(fixture_site):
    fixture_site.write("articles/a.md", article())
    fixture_site.write("data/hinh-thuc.yaml", "- ma: tin\n  ten: Tin\n - ma: bai\n")
    result = fixture_site.build()
    assert result.returncode != 0
    assert "hinh-thuc.yaml, dòng 3: tệp YAML sai cú pháp" in " ".join(result.log.split())
    assert not fixture_site.output.exists()


def test_malformed_procedure_yaml(fixture_site):
    fixture_site.write("articles/a.md", article())
    fixture_site.write("procedures/1.001193.yaml", "ma: 1.001193\nten: [Thủ tục đăng ký khai sinh\n")
    assert_fails_with(fixture_site, "1.001193.yaml, dòng 3: tệp YAML sai cú pháp")


def test_missing_date_is_reported_not_dropped(fixture_site):
    fixture_site.write("articles/khong-ngay.md", article().replace("Date: 2026-03-05 09:30\n", ""))
    log = assert_fails_with(fixture_site, "khong-ngay.md, khóa “Date”: thiếu ngày đăng.")
    assert "Skipping" not in log and "Could not process" not in log


def test_tags_that_collide_after_removing_accents(fixture_site):
    fixture_site.write("articles/mot.md", article(title="Bài một").replace("Tags: dịch vụ công trực tuyến", "Tags: hòa giải"))
    fixture_site.write("articles/hai.md", article(title="Bài hai").replace("Tags: dịch vụ công trực tuyến", "Tags: hoà giải"))
    assert fixture_site.build().returncode == 0  # the same word, old and new tone placement
    fixture_site.write("articles/ba.md", article(title="Bài ba").replace("Tags: dịch vụ công trực tuyến", "Tags: hóa giải"))
    assert_fails_with(fixture_site, "ba.md, dòng 4, khóa “Tags”: từ khóa “hóa giải” trùng địa chỉ the/hoa-giai/ với từ khóa")


def test_hand_written_links_are_checked_against_the_built_site(fixture_site):
    fixture_site.write("pages/lien-he.md", "Title: Liên hệ\nSlug: lien-he\n\n## Đường dây nóng\n\nGọi 0220 3882 115.\n")
    fixture_site.write("articles/tay.md", article(body="\n".join([
        "", "Xem [liên hệ](/lien-he/) và [đường dây nóng](/lien-he/#duong-day-nong).",
        "", "Xem [trang cũ](/trang-khong-co/).",
        "", "Xem [mục sai](/lien-he/#so-fax).", ""])))
    result = run_cchc("check", "--content", str(fixture_site.content))
    assert result.returncode == 1
    log = " ".join(result.stderr.split())
    assert "Có 2 lỗi" in log
    assert "tay.md, dòng 14: liên kết “/trang-khong-co/” dẫn tới trang “/trang-khong-co/” không có trên trang web." in log
    assert "tay.md, dòng 16: liên kết “/lien-he/#so-fax” dẫn tới mục “#so-fax” không có trong trang đích." in log


def test_stated_duration_must_match_the_audio_file(fixture_site):
    fixture_site.copy(ROOT / "content/media/2026/chuyen-de-chi-so-hai-long-sipas.mp3", "media/a.mp3")
    fixture_site.write("articles/radio.md", article(hinh_thuc="am-thanh", extra="am_thanh: media/a.mp3\nthoi_luong: 04:35",
                                                    body="Nội dung chương trình phát thanh. " * 10))
    assert_fails_with(fixture_site, "radio.md, dòng 10, khóa “thoi_luong”: thời lượng ghi 04:35 khác thời lượng thật của tệp (00:31).")


def test_old_address_already_used_by_another_page(fixture_site):
    fixture_site.write("articles/a.md", article(title="Bài A"))
    fixture_site.write("articles/b.md", article(title="Bài B", extra="dia_chi_cu: tin-tuc/2026/03/a/"))
    assert_fails_with(fixture_site, "b.md, dòng 9, khóa “dia_chi_cu”: địa chỉ cũ “tin-tuc/2026/03/a/” đang là địa chỉ của một trang khác.")


def test_precompressed_copies_come_from_the_cache_when_unchanged(fixture_site):
    """A production build compresses only the text files whose content it has not compressed
    before (plugins/cchc_precompress); the copies are exact either way."""
    import brotli

    fixture_site.write("articles/a.md", article(title="Bài thứ nhất", date="2026-03-05 09:30"))
    fixture_site.write("articles/b.md", article(title="Bài thứ hai", date="2026-03-06 09:30"))
    assert fixture_site.build().returncode == 0
    store = fixture_site.cache / "precompress"
    first = {p.name for p in store.glob("*/*")}
    fixture_site.write("articles/b.md", article(title="Bài thứ hai", date="2026-03-06 09:30",
                                               body="\nMột câu mới biên tập viên vừa thêm.\n"))
    assert fixture_site.build().returncode == 0
    added = {p.name for p in store.glob("*/*")} - first
    texts = [p for p in fixture_site.output.rglob("*") if p.suffix in {".html", ".xml", ".css", ".js", ".json"}
             and p.stat().st_size >= 20]
    # The edited article, its feeds, search files and the pages listing its text: a few, not all.
    assert 0 < len(added) / 2 < len(texts) / 4, (len(added), len(texts))
    for path in texts:
        copy = path.with_name(path.name + ".br")
        assert not copy.exists() or brotli.decompress(copy.read_bytes()) == path.read_bytes(), path
    assert brotli.decompress((fixture_site.output / "index.html.br").read_bytes()) == (fixture_site.output / "index.html").read_bytes()


def test_articles_published_at_the_same_minute_keep_one_order(fixture_site, monkeypatch):
    """Editors publish at round times: articles with the same date are listed in the order of
    their files' paths, whatever order Pelican read them in (it changes with Python's hash seed)."""
    names = ["c-thu-ba", "a-thu-nhat", "e-thu-nam", "b-thu-hai", "d-thu-tu"]
    for name in names:
        fixture_site.write(f"articles/{name}.md", article(title=f"Bài {name}", date="2026-03-05 09:30"))
    orders = set()
    for seed in ("1", "2", "3"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        result = fixture_site.build(extra=["-e", "CCHC_SEARCH=false"])
        assert result.returncode == 0, result.log
        home = page(fixture_site.output / "index.html")
        orders.add(tuple(a.text_content().strip() for a in home.xpath("//*[@class='cc-item__title']/a")
                         if a.text_content().strip().startswith("Bài ")))
    assert orders == {tuple(f"Bài {n}" for n in sorted(names))}


def _tied_sources():
    """(path, text) of a small site where many things share a date: articles at the same minute in
    several folders (with a shared tag, so related lists tie too, and a task, so the plan's
    products and the quarter's report tie), pages with the same file name in two folders, and
    procedures with the same name changed on the same day."""
    from test_procedures_site import record

    files = []
    for folder in ("2026/03", "thong-bao", "a"):
        for name in ("c-thu-ba", "a-thu-nhat", "b-thu-hai"):
            files.append((f"articles/{folder}/{name}-{folder.replace('/', '-')}.md", article(
                title=f"Bài {name} ({folder})", date="2026-03-05 09:30", extra="nhiem_vu: 04")))
    for name in ("sau", "truoc"):  # another minute, another category
        files.append((f"articles/{name}.md", article(title=f"Bài {name}", date="2026-02-10 16:15",
                                                     category="Chính quyền số, chuyển đổi số")))
    for folder in ("b", "a", "c"):
        files.append((f"pages/{folder}/gioi-thieu.md",
                       f"Title: Giới thiệu {folder}\nSlug: gioi-thieu-{folder}\nmenu: Giới thiệu {folder}\n\nNội dung trang {folder}.\n"))
    for code in ("1.000003", "1.000001", "1.000002"):
        files.append((f"procedures/{code}.yaml", record(
            code, "Thủ tục đăng ký khai sinh", history=[("2025-07-01", "moi", "1234/QĐ-UBND"),
                                                        ("2026-03-05", "sua-doi", "2200/QĐ-UBND")])))
    return files


def test_ties_give_the_same_site_whatever_the_reading_order(tmp_path, monkeypatch):
    """Everything that shares a date (or a name) is ordered by a property of its own (its path, its
    code), so the same sources give the same site byte for byte whatever order the files were
    created and read in (Python's hash seed changes Pelican's reading order)."""
    from conftest import FixtureSite, built_files

    files = _tied_sources()
    builds = []
    for n, (seed, order) in enumerate((("1", files), ("2", files[::-1]), ("3", files[1::2] + files[::2]))):
        site = FixtureSite(tmp_path / f"site-{n}")
        for rel, text in order:
            site.write(rel, text)
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        result = site.build(extra=["-e", "CCHC_SEARCH=false"])
        assert result.returncode == 0, result.log
        builds.append(built_files(site.output))
    assert builds[0] == builds[1] == builds[2], [p for p in builds[0] if any(b.get(p) != builds[0][p] for b in builds[1:])]
    # … and the order is the paths' (codes') order, newest first.
    out = tmp_path / "site-0" / "output"
    home = [a.text_content().strip() for a in page(out / "index.html").xpath("//*[@class='cc-item__title']/a")]
    assert home[:9] == [f"Bài {name} ({folder})" for folder in ("2026/03", "a", "thong-bao")
                        for name in ("a-thu-nhat", "b-thu-hai", "c-thu-ba")]
    menu = [a.text_content() for a in page(out / "index.html").xpath("//nav[@class='cc-utility']//a")]
    assert menu == ["Giới thiệu a", "Giới thiệu b", "Giới thiệu c"]
    az = page(out / "thu-tuc/a-z/index.html")
    assert [a.get("href").rsplit("/", 2)[1] for a in az.xpath("//main//section//li/a")] == ["1-000001", "1-000002", "1-000003"]


def test_related_articles_with_the_same_score_and_date_are_in_path_order():
    """Two candidates for “Tin liên quan” with the same score and date: the one whose path comes
    first is listed first, whichever feature the two first shared with the article."""
    import datetime as dt
    import sys
    import types

    sys.path.insert(0, str(ROOT / "plugins"))
    from cchc_related.related import article_generator_finalized

    def tied(path, *tags):
        return types.SimpleNamespace(source_path=path, date=dt.datetime(2026, 3, 5, 9, 30),
                                     tags=[types.SimpleNamespace(slug=t) for t in tags], noi_dung=[], category=None)

    first, b, c = tied("a.md", "x", "y"), tied("b.md", "y"), tied("c.md", "x")  # c shares x, seen first
    article_generator_finalized(types.SimpleNamespace(settings={"CCHC_RELATED_MAX": 5}, articles=[first, b, c]))
    assert [r.source_path for r in first.related] == ["b.md", "c.md"]


def related_lists(related, generator, articles) -> dict:
    """The related list of each of `articles` (cchc_related, the generator's articles newest
    first, then by path): path → the paths of its list."""
    generator.articles = sorted(sorted(articles, key=lambda a: a.source_path), key=lambda a: a.date, reverse=True)
    related.article_generator_finalized(generator)
    return {a.source_path: [r.source_path for r in a.related] for a in generator.articles}


def test_related_lists_after_random_edits_are_those_of_a_fresh_ranking():
    """The preview ranks again only the articles that shared a feature with the edited one (before or
    after the edit): after each random edit (tags, chuyên mục, date, a new or deleted article) every
    list equals a ranking made from nothing. 900 articles, so a chuyên mục crosses the 400 members
    above which a feature scores nothing."""
    import datetime as dt
    import random
    import sys
    import types

    sys.path.insert(0, str(ROOT / "plugins"))
    from cchc_related import related

    rnd = random.Random(16)

    def tag(name):
        return types.SimpleNamespace(slug=name)

    def article(n):
        return types.SimpleNamespace(
            source_path=f"bai-{n:05d}.md", date=dt.datetime(2026, 1, 1) + dt.timedelta(hours=rnd.randrange(900)),
            tags=[tag(f"the-{rnd.randrange(40)}") for _ in range(rnd.randrange(4))],
            noi_dung=[types.SimpleNamespace(code=f"ND{rnd.randrange(4)}") for _ in range(rnd.randrange(2))],
            category=types.SimpleNamespace(slug="tin-tuc" if n < 400 else rnd.choice(["thong-bao", "hoi-dap"])))

    articles = [article(n) for n in range(900)]
    crossing = articles[500]
    generator = types.SimpleNamespace(settings={"CCHC_RELATED_MAX": 4})

    def lists():
        return related_lists(related, generator, articles)

    related._LAST.clear()
    lists()
    edits = []
    for round_ in range(30):
        kind = rnd.choice(["tags", "category", "date", "new", "deleted", "none"]) if round_ > 1 else "crossing"
        chosen = rnd.choice(articles)
        if kind == "crossing":
            crossing.category = types.SimpleNamespace(slug="tin-tuc" if round_ == 0 else "hoi-dap")
        elif kind == "tags":
            chosen.tags = [tag(f"the-{rnd.randrange(40)}") for _ in range(rnd.randrange(4))]
        elif kind == "category":
            chosen.category = types.SimpleNamespace(slug=rnd.choice(["tin-tuc", "thong-bao", "hoi-dap"]))
        elif kind == "date":
            chosen.date = dt.datetime(2026, 1, 1) + dt.timedelta(hours=rnd.randrange(900))
        elif kind == "new":
            articles.append(article(1000 + round_))
        elif kind == "deleted":
            articles.remove(chosen)
        edits.append(kind)
        updated = lists()
        related._LAST.clear()
        assert updated == lists(), edits
    assert {"tags", "category", "date", "new", "deleted"} <= set(edits)


def test_related_lists_after_many_edits_of_one_articles_features_are_those_of_a_fresh_ranking():
    """An edit that keeps an article's date changes only its own score in the others' lists: the
    preview ranks again an article sharing a feature it gained or lost only when it was in that
    list or now scores above its last article (cchc_related._entering). After each of many
    random edits of one article's tags, areas or chuyên mục, every list equals a ranking made from
    nothing; few tags and short lists, so the edited article often enters and leaves them."""
    import datetime as dt
    import random
    import sys
    import types

    sys.path.insert(0, str(ROOT / "plugins"))
    from cchc_related import related

    rnd = random.Random(30)

    def features(a):
        a.tags = [types.SimpleNamespace(slug=f"the-{rnd.randrange(12)}") for _ in range(rnd.randrange(4))]
        a.noi_dung = [types.SimpleNamespace(code=f"ND{rnd.randrange(5)}") for _ in range(rnd.randrange(3))]
        a.category = types.SimpleNamespace(slug=rnd.choice(["tin-tuc", "thong-bao", "hoi-dap"]))
        return a

    articles = [features(types.SimpleNamespace(source_path=f"bai-{n:04d}.md",
                                               date=dt.datetime(2026, 1, 1) + dt.timedelta(hours=rnd.randrange(60))))
                for n in range(250)]
    generator = types.SimpleNamespace(settings={"CCHC_RELATED_MAX": 3})

    def lists():
        return related_lists(related, generator, articles)

    related._LAST.clear()
    lists()
    for round_ in range(200):
        chosen = rnd.choice(articles)
        if rnd.random() < 0.5:
            chosen.tags = [types.SimpleNamespace(slug=f"the-{rnd.randrange(12)}") for _ in range(rnd.randrange(4))]
        else:
            features(chosen)
        updated = lists()
        related._LAST.clear()
        assert updated == lists(), round_


def test_an_address_is_worked_out_again_when_what_it_is_made_of_changes():
    """cchc_urls keeps each address by its pattern and the values of the fields it names: a date at
    the same instant in another time zone, a new date, slug or header value is another address;
    a pattern naming the source path is left to Pelican."""
    import datetime as dt
    import sys
    import zoneinfo

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    sys.path.insert(0, str(ROOT / "plugins"))
    import cchc_urls

    cchc_urls.register()
    settings = dict(DEFAULT_CONFIG, ARTICLE_URL="{date:%Y/%m/%d-%Hh}/{co_quan}/{slug}/", PATH=str(ROOT),
                    ARTICLE_SAVE_AS="{path}", DEFAULT_LANG="vi")
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

    def article(when, slug="hop-dan", body="ubnd"):
        return Article("<p>Nội dung</p>", metadata={"title": "Họp dân", "slug": slug, "date": when, "co_quan": body},
                       settings=settings, source_path=str(ROOT / "content" / "articles" / f"{slug}.md"))

    local = dt.datetime(2026, 3, 5, 7, 30, tzinfo=hanoi)
    first, same_instant = article(local), article(local.astimezone(dt.timezone.utc))
    assert first.url == "2026/03/05-07h/ubnd/hop-dan/"
    assert same_instant.url == "2026/03/05-00h/ubnd/hop-dan/"
    assert article(local).url == first.url
    moved = article(local)
    moved.date = local + dt.timedelta(days=1)
    assert moved.url == "2026/03/06-07h/ubnd/hop-dan/"
    assert article(local, slug="hop-to-dan-pho").url == "2026/03/05-07h/ubnd/hop-to-dan-pho/"
    other = article(local)
    other.metadata["co_quan"] = "mttq"
    assert other.url == "2026/03/05-07h/mttq/hop-dan/"
    assert first.save_as == "content/articles/hop-dan.md"
    assert article(local, slug="hop-to-dan-pho").save_as == "content/articles/hop-to-dan-pho.md"
