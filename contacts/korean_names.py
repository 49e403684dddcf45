"""Korean family names, so a reader can tell "김민수" (a person) from "한빛" or "현대" (a company)
by more than its length.

FAMILY_NAMES holds the common family names (about 60 one-syllable ones, which cover nearly every
Korean, and the two-syllable ones people still carry: 남궁, 제갈, 선우, 황보, ...).
"""

from __future__ import annotations

FAMILY_NAMES: frozenset[str] = frozenset(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 "
    "노 하 곽 성 차 주 우 구 민 류 나 진 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 "
    "마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 "
    "남궁 제갈 선우 황보 독고 사공 서문".split()
)
