"""Vietnamese labels shared by every human-readable format."""

from __future__ import annotations

from gender_mainstream.model import Finding, Metadata, Report

__all__ = [
    "CATEGORY_NAMES",
    "ELEMENT_NAMES",
    "SEVERITY_NAMES",
    "STATUS_NAMES",
    "TOPIC_NAMES",
    "TYPE_NAMES",
    "document_heading",
    "topics_text",
    "where",
]

TYPE_NAMES = {
    "ke_hoach": "Kế hoạch",
    "nghi_quyet": "Nghị quyết",
    "quyet_dinh": "Quyết định",
    "bao_cao": "Báo cáo",
    "thong_bao": "Thông báo",
    "to_trinh": "Tờ trình",
    "chi_thi": "Chỉ thị",
    "cong_van": "Công văn",
    "huong_uoc": "Hương ước",
    "quy_uoc": "Quy ước",
    "quy_dinh": "Quy định",
    "quy_che": "Quy chế",
    "chuong_trinh": "Chương trình",
    "de_an": "Đề án",
    "huong_dan": "Hướng dẫn",
}
CATEGORY_NAMES = {
    "discrimination": "Phân biệt đối xử về giới",
    "stereotype": "Định kiến giới",
    "mainstreaming": "Lồng ghép vấn đề bình đẳng giới",
    "procedure": "Thẩm quyền, căn cứ pháp lý",
    "terminology": "Thuật ngữ, cách diễn đạt",
}
TOPIC_NAMES = {
    "binh_dang_gioi": "bình đẳng giới",
    "lao_dong": "lao động, việc làm",
    "tuyen_dung": "tuyển dụng",
    "can_bo": "cán bộ, công chức",
    "giao_duc": "giáo dục, đào tạo",
    "y_te": "y tế",
    "tin_dung": "tín dụng",
    "dat_dai": "đất đai",
    "giam_ngheo": "giảm nghèo",
    "tro_giup_xa_hoi": "trợ giúp xã hội",
    "gia_dinh": "gia đình",
    "dan_so": "dân số",
    "huong_uoc": "hương ước, quy ước",
    "ctmtqg": "chương trình mục tiêu quốc gia",
    "ktxh": "phát triển kinh tế - xã hội",
    "thi_dua": "thi đua, khen thưởng",
}
SEVERITY_NAMES = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Lưu ý"}
ELEMENT_NAMES = {
    "gender_issue": "Xác định vấn đề giới",
    "impact_forecast": "Dự báo tác động đối với nữ và nam",
    "responsibility": "Trách nhiệm giải quyết vấn đề giới",
    "resources": "Nguồn lực giải quyết vấn đề giới",
    "sex_disaggregated_data": "Số liệu, chỉ tiêu tách biệt theo giới tính",
    "monitoring": "Theo dõi, báo cáo",
}
STATUS_NAMES = {
    "met": "Đã có",
    "partial": "Có một phần",
    "missing": "Chưa có",
    "not_applicable": "Không áp dụng",
}


def where(f: Finding) -> str:
    """Return the place of a finding in the reviewer's words ("mục II.1, trang 3, dòng 12")."""
    loc = f.location
    parts: list[str] = []
    if loc.section:
        parts.append(f"mục {loc.section}")
    if loc.page is not None:
        parts.append(f"trang {loc.page}")
    if loc.table is not None:
        parts.append(f"bảng {loc.table}, hàng {loc.row}, ô {loc.cell}")
    elif loc.paragraph is not None:
        parts.append(f"đoạn {loc.paragraph}")
    if loc.line is not None:
        parts.append(f"dòng {loc.line}")
    return ", ".join(parts) or "toàn văn bản"


def document_heading(meta: Metadata) -> str:
    """Return "Kế hoạch số 86/KH-UBND ngày 12/03/2025 của …" as far as it is known."""
    bits = [TYPE_NAMES.get(meta.doc_type or "", "Văn bản")]
    if meta.number:
        bits.append(f"số {meta.number}")
    if meta.date:
        bits.append(f"ngày {meta.date.strftime('%d/%m/%Y')}")
    if meta.issuer:
        bits.append(f"của {meta.issuer}")
    return " ".join(bits)


def report_title(report: Report) -> str:
    """Return the heading and the title (trích yếu) of the reviewed document."""
    head = document_heading(report.document)
    return f"{head} — {report.document.title}" if report.document.title else head


def topics_text(topics: list[str]) -> str:
    """Return the topics in Vietnamese ("lao động, việc làm; giảm nghèo")."""
    return "; ".join(TOPIC_NAMES.get(t, t) for t in topics)
