"""The controlled vocabularies of the annotations: their one definition.

``wgtip annotate`` writes each as a ``VocabularyDefined`` event; the fold
reads the events (never this module), so the tables show what the log says.
Every term has an English and a Chinese label. Chinese labels use the
terminology of the source (缔约国, 缔约方会议, 毒品和犯罪问题办公室, …).
"""

from __future__ import annotations

from ..events import Term, VocabularyDefinedData

T = Term

ADDRESSEE = VocabularyDefinedData(
    vocabulary="addressee", title="Addressees", title_zh="建议对象",
    description="Who a provision asks to act, as its words name them.",
    terms=(
        T(code="states_parties", label="States parties", label_zh="缔约国", description="States parties to the Protocol (缔约国; also 缔约方 not followed by 会议)."),
        T(code="states", label="States", label_zh="各国", description="States in general (各国; 国家 as the head of a relative clause, e.g. 尚未加入…的国家)."),
        T(code="member_states", label="Member States", label_zh="会员国", description="Member States of the United Nations (会员国)."),
        T(code="conference", label="Conference of the Parties", label_zh="缔约方会议", description="The Conference of the Parties to the Organized Crime Convention (缔约方会议)."),
        T(code="secretariat", label="Secretariat", label_zh="秘书处", description="The secretariat of the Conference (秘书处)."),
        T(code="unodc", label="UNODC", label_zh="毒品和犯罪问题办公室", description="The United Nations Office on Drugs and Crime (联合国毒品和犯罪问题办公室)."),
        T(code="working_group", label="Working Group on Trafficking in Persons", label_zh="贩运人口问题工作组", description="The Working Group itself, or its future meetings (工作组)."),
        T(code="un_entities", label="United Nations entities", label_zh="联合国各实体", description="Other entities of the United Nations system (联合国各实体, 联合国各相关实体, 联合国其他实体)."),
        T(code="expert_group", label="Intergovernmental expert meetings", label_zh="政府间专家会议", description="Intergovernmental expert meetings of the Conference (政府间专家会议)."),
        T(code="unspecified", label="Not named", label_zh="未指明", description="The provision asks for action without naming who is to act (应当承认…, 应当鼓励利用…)."),
    ),
)

ADDRESSEE_ROLE = VocabularyDefinedData(
    vocabulary="addressee_role", title="Roles of addressees", title_zh="建议对象的角色",
    description="Whether an addressee is asked to act itself or is to be asked by another addressee.",
    terms=(
        T(code="direct", label="Asked to act", label_zh="直接对象", description="The subject of the provision's directive: 缔约国应当…, 鼓励缔约国…, 工作组建议缔约方会议…."),
        T(code="indirect", label="To be asked by the direct addressee", label_zh="间接对象", description="A body the direct addressee is asked to request, invite or encourage: 缔约方会议应当考虑请毒品和犯罪问题办公室…."),
    ),
)

STRENGTH = VocabularyDefinedData(
    vocabulary="strength", title="Strength of wording", title_zh="措辞强度",
    description="The modal force of a directive in the provision's wording (not a judgement of importance).",
    terms=(
        T(code="should", label="should", label_zh="应当", description="应当 / 应 / 应该 (and 不应) with a named or implied subject, not followed by 考虑 or 审议是否."),
        T(code="should_consider", label="should consider", label_zh="应当考虑", description="应当考虑 / 应考虑 / 应当审议是否 (but 考虑到, 'take into account', is should); an item starting with 考虑 under a chapeau ending in 应当：."),
        T(code="may", label="may", label_zh="可", description="可 / 可以 (可考虑, 可以考虑) right after the addressee."),
        T(code="encouraged", label="is encouraged", label_zh="鼓励", description="鼓励 X … or 应当鼓励 X … without a subject: X is encouraged."),
        T(code="requested", label="is requested", label_zh="请", description="请 X … / 应请 X … without a subject, or 工作组请 X: X is requested or invited."),
        T(code="recommended", label="the Working Group recommends", label_zh="工作组建议", description="工作组建议 X …, where X is not asked to consider adopting something."),
        T(code="recommended_for_consideration", label="the Working Group recommends that the Conference consider", label_zh="工作组建议缔约方会议审议", description="工作组建议缔约方会议审议/考虑 …: the group recommends that the Conference consider (adopting) it."),
        T(code="none", label="no directive", label_zh="无指令性措辞", description="No directive wording of its own and none inherited (a chapeau that only introduces items, such as 关于…的某些概念： or 工作组…核可了…以下建议：)."),
    ),
)

THEME = VocabularyDefinedData(
    vocabulary="theme", title="Themes", title_zh="专题",
    description="What a provision is about: the four Ps and the Protocol's key concepts and working areas. Every provision has at least one.",
    terms=(
        T(code="prevention", label="Prevention and awareness", label_zh="预防和提高认识", description="Preventing trafficking, awareness-raising, root causes."),
        T(code="protection", label="Protection and assistance of victims", label_zh="保护和援助被害人", description="Protecting, assisting, sheltering and supporting victims and witnesses."),
        T(code="prosecution", label="Investigation and prosecution", label_zh="侦查和起诉", description="Criminal justice: investigation, prosecution, criminalization, penalties, confiscation."),
        T(code="partnership", label="Partnership", label_zh="伙伴关系", description="Partnership with civil society, the private sector, NGOs and other stakeholders."),
        T(code="identification", label="Identification of victims", label_zh="识别被害人", description="Identifying victims, indicators."),
        T(code="consent", label="Consent", label_zh="同意", description="The irrelevance of the victim's consent (Protocol art. 3 (b))."),
        T(code="vulnerability", label="Abuse of a position of vulnerability", label_zh="滥用脆弱境况", description="Vulnerability and its abuse."),
        T(code="exploitation", label="Forms of exploitation", label_zh="剥削形式", description="The concept and forms of exploitation (sexual exploitation, servitude, forced marriage, begging, …)."),
        T(code="demand", label="Demand", label_zh="需求", description="Discouraging the demand that fosters exploitation."),
        T(code="organ_removal", label="Trafficking for organ removal", label_zh="切除器官", description="Trafficking in persons for the purpose of organ removal."),
        T(code="non_punishment", label="Non-punishment of victims", label_zh="不惩罚被害人", description="Not punishing or prosecuting victims for acts they were compelled to commit."),
        T(code="compensation", label="Compensation", label_zh="赔偿和补偿", description="Compensation and restitution for victims."),
        T(code="recruitment", label="Recruitment agencies and fees", label_zh="征聘机构和征聘费", description="Recruitment agencies, fraudulent recruitment, recruitment fees."),
        T(code="labour", label="Labour and migrant workers", label_zh="劳工和移民工人", description="Labour exploitation, labour standards and inspection, migrant workers."),
        T(code="national_coordination", label="National coordination", label_zh="国家协调", description="National coordination bodies and mechanisms, national rapporteurs."),
        T(code="data_research", label="Data and research", label_zh="数据和研究", description="Data collection, statistics, research and analysis."),
        T(code="training", label="Training", label_zh="培训", description="Training of practitioners."),
        T(code="technical_assistance", label="Technical assistance", label_zh="技术援助", description="Technical assistance and capacity-building."),
        T(code="legislation", label="Legislation", label_zh="立法", description="Domestic legislation, legal frameworks and definitions in law."),
        T(code="international_cooperation", label="International cooperation", label_zh="国际合作", description="Cooperation between States: judicial cooperation, extradition, mutual legal assistance, joint investigations, regional cooperation."),
        T(code="children", label="Children", label_zh="儿童", description="Child victims and children's best interests."),
        T(code="gender", label="Gender", label_zh="性别", description="Gender-sensitive approaches, women."),
        T(code="future_work", label="The Working Group's future work", label_zh="工作组今后的工作", description="Topics and working methods of the Working Group's future meetings."),
        T(code="implementation", label="Adherence and implementation", label_zh="加入和执行", description="Ratification, implementation and review of the Protocol and the Convention, and of the group's recommendations; also the fallback for a provision no other theme fits."),
        T(code="key_concepts", label="Key concepts of the Protocol", label_zh="《议定书》的关键概念", description="Definitions and key concepts of the Protocol in general."),
    ),
)

REFERENCE_KIND = VocabularyDefinedData(
    vocabulary="reference_kind", title="Kinds of cross-reference", title_zh="交叉引用类型",
    description="What a cross-reference in a provision's text points to.",
    terms=(
        T(code="protocol_article", label="Article of the Protocol", label_zh="《议定书》条款", description="An article (paragraph, subparagraph) of the Trafficking in Persons Protocol."),
        T(code="convention_article", label="Article of the Convention", label_zh="《公约》条款", description="An article (paragraph) of the Organized Crime Convention."),
        T(code="document_symbol", label="UN document", label_zh="联合国文件", description="A UN document cited by its symbol."),
        T(code="decision_resolution", label="Decision or resolution", label_zh="决定或决议", description="A decision of the Conference of the Parties or a resolution of the General Assembly."),
        T(code="earlier_recommendation", label="Earlier recommendation", label_zh="先前的建议", description="A recommendation of an earlier meeting, cited by its report's paragraph or without a locator; resolved to a provision where possible."),
        T(code="titled_document", label="Other titled document", label_zh="其他有标题的文件", description="Another instrument or publication cited by its title in 《》."),
    ),
)

VOCABULARIES: tuple[VocabularyDefinedData, ...] = (ADDRESSEE, ADDRESSEE_ROLE, STRENGTH, THEME, REFERENCE_KIND)
