"""Words of consent screens, per language: what a privacy notice says, what its buttons say, what
a system permission prompt says. The classifier matches all languages at once (screens mix them:
a Chinese notice with an "OK" button, an English app on a Chinese system), and the language is
decided separately from the script and these words.

Button labels are compared whole after `norm()` (lower case, no spaces or punctuation), so
"Agree and Continue", "AGREE & CONTINUE" and "同意并继续" each match one entry and a sentence that
merely contains "agree" does not. Phrases found inside running text use regular expressions."""

from __future__ import annotations

import re
import unicodedata

LANGS = ("zh-Hans", "zh-Hant", "en", "de", "fr", "es", "ja", "ko")

_DROP = re.compile(r"[\s\u00a0\u3000.,!?:;'\"“”‘’「」『』《》〈〉()（）\[\]【】<>、，。！？：；·•\-–—_/&+…~*|]+")


def norm(label: str) -> str:
    """Normalised button label: NFKC, lower case, no whitespace or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", label).lower())


def _set(*words: str) -> frozenset[str]:
    return frozenset(norm(w) for w in words)


# --- privacy notice buttons -------------------------------------------------------------------

ACCEPT_STRONG = _set(
    # zh-Hans / zh-Hant
    "同意", "我同意", "同意并继续", "同意并进入", "同意并使用", "同意并开始使用", "同意并继续使用", "同意，继续使用",
    "同意并接受", "接受", "接受并继续", "我已阅读并同意", "同意协议", "同意并授权", "同意并登录", "同意隐私政策",
    "同意並繼續", "我同意並繼續", "接受並繼續", "同意並進入", "同意並使用",
    # en
    "agree", "i agree", "agree and continue", "agree & continue", "agree and proceed", "accept",
    "accept and continue", "accept & continue", "i accept", "agree and start", "agree to all", "accept all",
    "i agree and continue", "yes, i agree", "agree & start", "consent", "i consent", "allow and continue",
    # de
    "zustimmen", "akzeptieren", "einverstanden", "ich stimme zu", "zustimmen und fortfahren",
    "akzeptieren und fortfahren", "alle akzeptieren", "annehmen",
    # fr
    "accepter", "j'accepte", "accepter et continuer", "tout accepter", "d'accord", "je suis d'accord",
    # es
    "aceptar", "acepto", "aceptar y continuar", "estoy de acuerdo", "de acuerdo", "aceptar todo",
    # ja
    "同意する", "同意します", "同意して続行", "同意して始める", "承諾", "同意して開始",
    # ko
    "동의", "동의합니다", "동의하고 계속", "모두 동의", "동의 후 시작", "확인 및 동의", "동의하기",
    # nl, it, pt, ru, pl, sv, da/no, tr
    "akkoord", "accepteren", "ik ga akkoord", "accetto", "accetta", "accetta e continua", "aceito", "concordo",
    "aceitar", "aceitar e continuar", "принять", "принимаю", "согласен", "согласиться", "akceptuję", "zgadzam się",
    "akceptuj", "godkänn", "acceptera", "jag godkänner", "godta", "jeg godtar", "accepter", "jeg accepterer",
    "kabul ediyorum", "kabul et",
)

ACCEPT_WEAK = _set(
    "确定", "确认", "好的", "好", "知道了", "我知道了", "继续", "继续使用", "进入", "进入应用", "开始使用", "立即体验", "下一步",
    "確定", "好的", "繼續", "進入", "開始使用", "下一步",
    "ok", "okay", "continue", "got it", "next", "start", "get started", "proceed", "confirm", "yes",
    "weiter", "fortfahren", "continuer", "suivant", "continuar", "siguiente", "続行", "次へ", "はい",
    "확인", "계속", "다음", "시작하기",
    "fortsæt", "doorgaan", "ga verder", "continua", "avanti", "продолжить", "далее", "dalej", "fortsätt", "fortsett",
    "devam", "devam et", "prosseguir",
)

REFUSE_STRONG = _set(
    "不同意", "不同意并退出", "不同意，退出", "暂不同意", "拒绝", "拒绝并退出", "不同意并退出应用", "仍不同意",
    "我不同意", "不接受", "不同意仅浏览", "仍然拒绝", "坚持拒绝", "不同意，仅浏览", "放弃使用",
    "不同意並退出", "拒絕", "不接受", "仍不同意", "暫不同意",
    "disagree", "disagree and quit", "disagree and exit", "i disagree", "decline", "reject", "refuse",
    "don't agree", "do not agree", "i do not agree", "reject all", "decline all", "disagree anyway",
    "still disagree", "i don't agree",
    "ablehnen", "nicht zustimmen", "alle ablehnen", "nicht einverstanden",
    "refuser", "je refuse", "tout refuser", "pas d'accord", "je ne suis pas d'accord",
    "rechazar", "no acepto", "no estoy de acuerdo", "rechazar todo",
    "同意しない", "拒否", "同意しません",
    "동의 안함", "동의하지 않음", "거부", "동의하지 않습니다",
)

REFUSE_WEAK = _set(
    "退出", "退出应用", "取消", "暂不", "暂不使用", "以后再说", "稍后", "不用了", "关闭", "仅浏览", "退出app",
    "退出應用", "取消", "暫不使用", "關閉",
    "exit", "quit", "cancel", "not now", "no thanks", "later", "close", "exit app", "no", "browse only",
    "beenden", "abbrechen", "nicht jetzt", "quitter", "annuler", "plus tard", "salir", "cancelar", "ahora no",
    "終了", "キャンセル", "後で", "종료", "취소", "나중에",
)

# Second step of a refusal: the labels that finally refuse, and the question that asks again.
REFUSE_CONFIRM = _set(
    "仍不同意", "仍然不同意", "坚持拒绝", "不同意并退出", "退出应用", "仍要退出", "确认退出", "退出", "狠心离开",
    "仍不同意並退出", "退出應用", "still disagree", "disagree anyway", "exit app", "exit", "quit", "quit app",
    "trotzdem ablehnen", "app beenden", "refuser quand même", "quitter l'application", "salir de la app",
    "rechazar de todos modos", "終了する", "앱 종료",
)
CONFIRM_QUESTION = re.compile(
    r"(如果|若|如|倘若|假如)[您你]?(仍然|依然|仍|还是)?不(同意|接受)|(如果|若|如)[您你]?(仍然|依然|仍)?不同意|確定不同意|"
    r"确定不同意|确认不同意|确定要?退出|真的要|您需要同意|你需要同意|需要同意.{0,20}才能|如果?您?不同意.{0,30}(无法|将|不能)"
    r"|若不同意|不同意.{0,12}(无法|将无法|不能)|仅浏览模式|基本功能模式|再想想|"
    r"確定不同意|需要同意.{0,20}才能|如不同意"
    r"|are you sure|without (your )?(agreeing|consent|accepting)|you (won't|will not|cannot|can't) (be able to )?use"
    r"|need your (consent|agreement)|must (agree|accept)|only if you agree|think again|reconsider"
    r"|sind sie sicher|ohne (ihre )?zustimmung|êtes-vous sûr|sans votre accord|¿estás seguro|sin tu consentimiento"
    r"|本当に|同意いただけない場合|동의하지 않으면|정말",
    re.I | re.S,
)
REVIEW_AGAIN = re.compile(r"^(查看|再次查看|重新查看|再看看|再想想|我再想想|返回|回到|查看协议|查看協議|view|review|read again|"
                          r"go back|back to|zurück|retour|volver|ver (la|el|los))", re.I)

# --- what a notice talks about ----------------------------------------------------------------

POLICY_STRONG = re.compile(
    r"隐私政策|隐私协议|隐私保护|隐私权政策|隐私权保护|隐私声明|隐私指引|隐私条款|用户协议|服务协议|用户服务协议|许可协议|"
    r"个人信息保护|个人信息处理规则|本协议|本協議|注册协议|使用协议|软件许可|法律声明|免责声明|使用规则|使用规范|"
    r"this agreement|these terms|个人信息收集|使用条款|服务条款|《[^》]{0,24}(协议|政策|指引|条款|规则|声明)》|"
    r"隱私政策|隱私權|隱私保護|隱私條款|使用者條款|用戶協議|服務條款|個人資料|個人資訊|《[^》]{0,24}(協議|條款|聲明)》|"
    r"privacy policy|privacy notice|privacy statement|privacy clause|privacy guidelines?|terms of (service|use)|"
    r"terms (and|&) conditions|user agreement|license agreement|licence agreement|end user licen[cs]e|"
    r"personal (information|data)|data protection|"
    r"datenschutzerklärung|datenschutzhinweise|datenschutzrichtlinie|nutzungsbedingungen|\bagb\b|personenbezogene|"
    r"politique de confidentialité|conditions (générales|d'utilisation)|données personnelles|"
    r"política de privacidad|términos (de servicio|y condiciones)|condiciones de uso|datos personales|"
    r"プライバシーポリシー|個人情報|利用規約|개인정보|이용약관|서비스 약관|"
    r"privacybeleid|privacyverklaring|algemene voorwaarden|persoonsgegevens|informativa sulla privacy|"
    r"termini e condizioni|dati personali|política de privacidade|termos (de uso|de serviço|e condições)|dados pessoais|"
    r"политик[аиу] конфиденциальности|пользовательское соглашение|персональн|polityka prywatności|regulamin|"
    r"dane osobowe|integritetspolicy|personuppgifter|användarvillkor|personvernerklæring|personopplysninger|"
    r"privatlivspolitik|fortrolighed|persondata|personlige (data|oplysninger)|licensaftale|lisensavtale|"
    r"gizlilik politikası|kullanım koşulları|kişisel veri",
    re.I,
)
POLICY_WEAK = re.compile(r"隐私|隱私|privacy|datenschutz|confidentialité|privacidad|プライバシー|riservatezza|privacidade|"
                         r"конфиденциальност|prywatnoś|integritet|personvern|privatliv|gizlilik", re.I)
CHECKBOX_DESC = re.compile(r"check ?box|复选框|勾选框|核取方塊|kontrollkästchen|case à cocher|casilla|afkrydsningsfelt|"
                           r"selectievakje|casella di controllo|caixa de seleção|флажок|pole wyboru|kryssruta", re.I)
UNCHECKED_DESC = re.compile(r"not (checked|ticked|selected)|unchecked|未选中|未勾选|未選取|ikke markeret|nicht aktiviert|"
                            r"non coché|no marcad|niet aangevinkt", re.I)
CHECKED_DESC = re.compile(r"checked|ticked|已选中|已勾选|已選取|markeret|aktiviert|coché|marcad|aangevinkt|selected", re.I)

FRAMING = re.compile(
    r"务必审慎阅读|审慎阅读|充分理解|(仔细|认真|审慎|务必)阅读|同意并接受|继续使用.{0,8}(即|表示|视为|代表)|即(表示|视为|代表)您?(已)?(阅读|同意)|"
    r"繼續使用.{0,8}(即|表示|視為|代表)|(仔細|認真|審慎)閱讀|阅读并同意|点击.{0,3}同意|同意后|如您同意|若您同意|请您?(仔细)?阅读|在使用.{0,8}前|"
    r"我们将?(严格|依据|按照)|感谢您?(选择|使用|信任)|欢迎使用|为了(更好|向你|向您|保障)|请你|您需同意|"
    r"務必審慎閱讀|閱讀並同意|點擊.{0,3}同意|請您?(仔細)?閱讀|歡迎使用|感謝您?使用|"
    r"by (clicking|tapping|continuing|selecting|pressing|using)|please (read|review)|carefully read|read (and|&) agree|"
    r"we (collect|use|process|value|care)|you agree|agree to (our|the)|your consent|before (using|you (start|use|continue))|"
    r"welcome to|we respect|"
    r"bitte lesen|stimmen sie|zustimmung|einverstanden|en cliquant|veuillez lire|votre consentement|"
    r"al (hacer clic|pulsar|tocar|continuar)|por favor,? lee|tu consentimiento|"
    r"同意の上|お読みください|동의해|읽고",
    re.I,
)

COOKIE = re.compile(r"cookie", re.I)

LOGIN_BUTTON = _set(
    "登录", "登陆", "注册", "一键登录", "本机号码一键登录", "获取验证码", "手机号登录", "微信登录", "qq登录", "登錄", "登入", "註冊",
    "log in", "login", "sign in", "sign up", "register", "create account", "send code", "get code",
    "anmelden", "registrieren", "se connecter", "s'inscrire", "iniciar sesión", "registrarse", "ログイン", "로그인",
)
LOGIN_WORD = re.compile(r"登录|登陆|登入|注册|註冊|登錄|log ?in|sign ?(in|up)|create (an )?account|anmelden|registrier|"
                        r"connexion|se connecter|s'inscrire|iniciar sesión|regístrate|ログイン|로그인|войти|entrar", re.I)
LOGOUT_WORD = re.compile(r"退出登录|退出登錄|注销|註銷|切换账号|log ?out|sign ?out|abmelden|déconnexion|cerrar sesión|ログアウト|로그아웃",
                         re.I)
LOGIN_HINT = re.compile(r"手机号|验证码|密码|手機號碼|驗證碼|密碼|phone number|mobile number|password|verification code|e-?mail", re.I)

# --- runtime permission prompts ---------------------------------------------------------------

PERMISSION_PACKAGES = frozenset({
    "com.android.permissioncontroller", "com.google.android.permissioncontroller",
    "com.android.packageinstaller", "com.google.android.packageinstaller",
    "com.samsung.android.permissioncontroller", "com.lbe.security.miui", "com.miui.securitycenter",
    "com.coloros.securitypermission", "com.oplus.securitypermission", "com.huawei.systemmanager",
    "com.hihonor.systemmanager", "com.vivo.permissionmanager", "com.iqoo.secure", "com.meizu.safe",
    "com.android.permissioncontroller.overlay",
})
PERMISSION_RIDS = ("permission_allow", "permission_deny", "grant_dialog", "permission_message",
                   "permission_no_upgrade", "permission_allow_one_time", "permission_allow_foreground")

PERM_ALLOW_ALWAYS = _set(
    "allow all the time", "始终允许", "一律允许", "总是允许", "始終允許", "immer zulassen", "toujours autoriser",
    "permitir siempre", "常に許可", "항상 허용",
)
PERM_ALLOW_FOREGROUND = _set(
    "while using the app", "allow only while using the app", "only while using the app", "allow while using app",
    "仅在使用该应用期间允许", "仅在使用中允许", "仅使用期间允许", "使用期间允许", "使用应用时允许", "仅在使用此应用时允许",
    "僅在使用該應用程式時允許", "使用應用程式時允許", "während der app-nutzung", "nur während der nutzung der app",
    "lorsque vous utilisez l'appli", "pendant l'utilisation de l'appli", "mientras la app está en uso",
    "mientras se usa la app", "アプリの使用時のみ", "앱 사용 중에만 허용",
)
PERM_ALLOW_ONCE = _set(
    "only this time", "ask every time", "仅限这一次", "本次允许", "仅本次允许", "本次使用允许", "仅此一次", "單次允許", "僅限這一次",
    "nur dieses mal", "uniquement cette fois-ci", "solo esta vez", "今回のみ", "이번만 허용",
)
PERM_ALLOW = _set(
    "allow", "允许", "允許", "授权", "zulassen", "autoriser", "permitir", "許可", "허용", "continue",
)
PERM_DENY = _set(
    "deny", "don't allow", "do not allow", "deny anyway", "拒绝", "禁止", "不允许", "拒絕", "不允許", "ablehnen",
    "nicht zulassen", "refuser", "ne pas autoriser", "rechazar", "no permitir", "許可しない", "허용 안함", "거부",
    "cancel",
)
PERM_DENY_DONT_ASK = _set(
    "deny & don't ask again", "deny and don't ask again", "don't allow & don't ask again", "don't ask again",
    "拒绝且不再询问", "拒绝，不再询问", "禁止后不再提示", "拒绝并不再询问", "禁止且不再询问", "拒絕且不再詢問",
    "ablehnen und nicht mehr fragen", "refuser et ne plus demander", "rechazar y no volver a preguntar",
)

# The second step of a denial ("Deny anyway" / "Don't allow anyway"), in the platform's locales.
DENY_ANYWAY = re.compile(
    r"(deny|don.t allow) anyway|仍然(拒绝|不允许|拒絕|不允許)|仍要拒|仍不允|trotzdem (ablehnen|nicht zulassen)|"
    r"(refuser|ne pas autoriser) quand même|(rechazar|denegar|no permitir) de todos modos|de todas formas|"
    r"(negar|não permitir) mesmo assim|вс[её] равно|отклонить всё равно|それでも許可しない|그래도 (거부|허용 안함)",
    re.I,
)

# Message words naming a permission group, most specific first.
PERMISSION_TERMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (g, re.compile(p, re.I)) for g, p in (
        ("CALL_LOG", r"call logs?|通话记录|通話記錄|anrufliste|journaux d'appels|registros? de llamadas|通話履歴|통화 기록"),
        ("READ_MEDIA_VISUAL", r"photos and videos|照片和视频|相片和影片|fotos und videos|photos et vidéos|fotos y vídeos|写真と動画|사진 및 동영상"),
        ("READ_MEDIA_AURAL", r"music and audio|音乐和音频|音樂和音訊|musik und audio|musique et audio|música y audio|音楽と音声|음악 및 오디오"),
        ("STORAGE", r"photos, media,? and files|files and media|media and files|storage|存储|儲存|文件|照片、媒体内容和文件|"
                    r"speicher|stockage|almacenamiento|ストレージ|저장"),
        ("CAMERA", r"take pictures|record video|camera|相机|拍摄|拍照|摄像头|相機|拍攝|kamera|appareil photo|cámara|カメラ|카메라"),
        ("MICROPHONE", r"record audio|microphone|录音|麦克风|錄音|麥克風|audio aufnehmen|mikrofon|enregistrer (de l'|des fichiers )audio|"
                       r"micro\b|grabar audio|micrófono|音声の録音|マイク|오디오 녹음|마이크"),
        ("NEARBY_DEVICES", r"nearby devices|附近的设备|附近设备|附近的裝置|geräte in der nähe|appareils à proximité|dispositivos cercanos|付近のデバイス|근처 기기"),
        ("LOCATION", r"location|位置|定位|地理位置|standort|position|localisation|ubicación|位置情報|위치"),
        ("CONTACTS", r"contacts|通讯录|联系人|通訊錄|聯絡人|kontakte|contactos|連絡先|주소록|연락처"),
        ("SMS", r"\bsms\b|text messages|短信|短消息|簡訊|ショートメッセージ|문자"),
        ("PHONE", r"phone calls|make and manage|phone state|电话|通话|手机信息|设备信息|電話|anrufe|appels|llamadas|전화"),
        ("CALENDAR", r"calendar|日历|日程|日曆|kalender|agenda|calendario|カレンダー|캘린더"),
        ("SENSORS", r"body sensors|vital signs|身体传感器|人体传感器|身體感應器|körpersensoren|capteurs corporels|sensores corporales|ボディセンサー|신체 센서"),
        ("ACTIVITY_RECOGNITION", r"physical activity|身体活动|健身运动|體能活動|körperliche aktivität|activité physique|actividad física|身体活動|신체 활동"),
        ("NOTIFICATIONS", r"send you notifications|notifications|通知|推送|benachrichtigungen|envoyer des notifications|notificaciones|알림"),
    )
)
ANY_GROUP = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in PERMISSION_TERMS), re.I)
PERMISSION_WORD = re.compile(r"权限|權限|permission|\baccess\b|zugriff|accès|acceso|アクセス|액세스|berechtigung|autorisation|permiso|権限|권한|access to your|访问您?的|存取", re.I)
# The explicit words of a permission request (PERMISSION_WORD also has the bare "access", which
# also means "sign in to access your library").
PERMISSION_WORD_STRICT = re.compile(r"权限|權限|授权|授權|permission|berechtigung|autorisation|permiso|権限|권한", re.I)
ACCESS_WORD = re.compile(r"\baccess\b|zugriff|accès|acceso|アクセス|액세스|访问|訪問|存取|获取|獲取|读取|使用您?的", re.I)
ALLOW_VERB = re.compile(r"\ballow\b|\benable\b|turn on|would like to|'d like to|wants? to|may we|can we|允许|允許|开启|開啟|打开|"
                        r"授予|请求|erlauben|zulassen|autoriser|permitir|許可|허용", re.I)
PROMPT_QUESTION = re.compile(
    r"^(要)?允许.{1,40}(吗|？|\?)|^是否允许.{1,40}|^允許.{1,40}(嗎|？|\?)|^allow .{1,80}\?$|"
    r"zulassen\?$|^autoriser .{1,80}\?$|^¿permitir .{1,80}\?$|許可しますか|허용하시겠습니까", re.I,
)
PURPOSE = re.compile(
    r"用于|以便|为了|需要|申请|是否允许|请允许|开启|用於|為了|需要|申請|"
    r"we need|we('ll| will) (use|send|show|need)|when you|\benable\b|turn (it )?on|needs? (access|permission|your)|in order to|so (that|we|you)|is used|requires?|to (help|let|allow|enable|"
    r"provide|show|find|scan|take|record|share|send|save)|wants to|would like to|"
    r"benötig|um .{1,40} zu|pour (vous|pouvoir|que)|necesita|para (que|poder)|ために|필요",
    re.I,
)
ASKING = re.compile(
    r"允许.{0,24}(使用|访问|获取|读取|发送|开启|调用)|允許.{0,24}(使用|存取|取得|傳送)|是否(允许|开启|授权)|请(开启|允许|授权|打开)|"
    r"开启.{0,8}(通知|推送|定位|权限)|打开.{0,8}(通知|推送|定位|权限)|发现.{0,6}(通讯录|联系人)|"
    r"\ballow .{1,40} to\b|\b(turn on|enable|grant) .{0,30}(notifications?|location|access|permission)|"
    r"(requires?|needs?) .{0,40}(permission|access)|(access|permission) (is )?(required|needed|denied|disabled)|"
    r"get notified|stay (up to date|updated|informed)|from your device\?",
    re.I,
)
GRANT_ACTION = re.compile(
    r"^(allow|grant|change permissions?|go to settings|open settings|settings$|give access|"
    r"(enable|turn on)( (it|access|notifications?|location|permissions?))?$|"
    r"允许|授权|去?开启|前往开启|立即开启|去设置|前往设置|设置|打开|授予|開啟|設定)", re.I)
POST_DENIAL = re.compile(r"失败|被拒绝|已拒绝|被禁止|被拒絕|failed|was denied|has been denied|were denied|not granted", re.I)
# A rationale's allow control: grant-type words (they ask for the permission whatever the sentence
# says) and generic confirms (OK, Next, 继续), which only answer a sentence that itself asks for a
# permission (see permission.rationale): on an onboarding page, an update dialog or a feature question
# the same Next / 确定 answers something else.
RATIONALE_ALLOW = _set(
    "允许", "去开启", "去设置", "立即开启", "开启", "授权", "允許", "開啟", "前往設定",
    "allow", "grant", "enable", "turn on", "go to settings", "settings", "allow access", "erlauben", "zulassen",
    "autoriser", "permitir", "許可", "허용",
)
RATIONALE_CONFIRM = _set(
    "同意", "确定", "好的", "继续", "下一步", "ok", "continue", "next", "sure", "got it", "확인",
)
RATIONALE_DENY = _set(
    "不允许", "拒绝", "取消", "暂不", "暂不开启", "以后再说", "不用了", "稍后", "不允許", "拒絕",
    "not now", "no thanks", "cancel", "deny", "don't allow", "skip", "later", "no",
    "nicht jetzt", "plus tard", "ahora no", "後で", "나중에",
)

SPECIAL_ACCESS = re.compile(
    r"notification access|usage access|display over other apps|draw over other apps|install unknown apps|accessibility|"
    r"device admin|modify system settings|all files access|battery optimi[sz]ation|full access to your device|"
    r"通知使用权|使用情况访问|悬浮窗|无障碍|设备管理器|安装未知应用|修改系统设置|所有文件访问|电池优化",
    re.I,
)
SETTINGS_PACKAGES = frozenset({"com.android.settings", "android", "com.android.systemui"})
BROWSER_PACKAGES = frozenset({
    "com.android.chrome", "org.mozilla.firefox", "org.mozilla.fenix", "com.microsoft.emmx", "com.opera.browser",
    "com.brave.browser", "com.sec.android.app.sbrowser", "com.UCMobile", "com.tencent.mtt", "com.android.browser",
    "com.huawei.browser", "com.heytap.browser", "com.vivo.browser", "com.mi.globalbrowser", "com.duckduckgo.mobile.android",
})

ADDRESS_BAR_RID = re.compile(r"url_bar|urlbar|address_bar|addressbar|omnibox|location_bar|url_field|search_box_text|"
                             r"mozac_browser_toolbar|toolbar_url|url_text|addr", re.I)
URL_TEXT = re.compile(r"^(https?://|www\.)|^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.I)

# --- the same patterns for text already lower-cased ------------------------------------------------
# Python's re is several times slower with IGNORECASE on long alternations; the screen text is
# lower-cased once per window (Screen.low) and searched with these. The patterns hold no upper-case
# letters (checked by tests/ui/test_lexicon_lowercase), so the result is the same.


_LEADING_BOUNDARY = re.compile(r"(^|\||\(\?:)\\b([a-z])")


def _lowered(rx: re.Pattern[str], pattern: str | None = None) -> re.Pattern[str]:
    """The case-sensitive twin. A branch that starts with `\\b` (`\\bsms\\b`) stops Python's re
    from skipping ahead by the alternation's first characters, which made the whole pattern scan
    each position slowly; `\\bx` is written `x(?<!\\wx)` (the same test, after the first letter)."""
    fast = _LEADING_BOUNDARY.sub(lambda m: f"{m.group(1)}{m.group(2)}(?<!\\w{m.group(2)})", pattern or rx.pattern)
    return re.compile(fast, rx.flags & ~re.IGNORECASE)


POLICY_STRONG_LC = _lowered(POLICY_STRONG)
POLICY_WEAK_LC = _lowered(POLICY_WEAK)
FRAMING_LC = _lowered(FRAMING)
CONFIRM_QUESTION_LC = _lowered(CONFIRM_QUESTION)
PERMISSION_WORD_LC = _lowered(PERMISSION_WORD)
ANY_GROUP_LC = _lowered(ANY_GROUP, "|".join(rx.pattern for _, rx in PERMISSION_TERMS))  # flat: faster
SPECIAL_ACCESS_LC = _lowered(SPECIAL_ACCESS)
PERMISSION_TERMS_LC: tuple[tuple[str, re.Pattern[str]], ...] = tuple((g, _lowered(rx)) for g, rx in PERMISSION_TERMS)
LOWERED = {"POLICY_STRONG": POLICY_STRONG, "POLICY_WEAK": POLICY_WEAK, "FRAMING": FRAMING,
           "CONFIRM_QUESTION": CONFIRM_QUESTION, "PERMISSION_WORD": PERMISSION_WORD, "ANY_GROUP": ANY_GROUP,
           "SPECIAL_ACCESS": SPECIAL_ACCESS}

# --- language ---------------------------------------------------------------------------------

# Characters that exist only in one of the two Chinese scripts (common in consent screens).
HANS_ONLY = frozenset("隐协议权许拒绝读个护说为们这务请设备应开关于与简条继续确认点击发录图话讯对择将还时间无获数据项网络经过")
HANT_ONLY = frozenset("隱協議權許拒絕讀個護說為們這務請設備應開關於與簡條繼續確認點擊發錄圖話訊對擇將還時間無獲數據項網絡經過")
_LATIN_HINTS: dict[str, re.Pattern[str]] = {
    "de": re.compile(r"\b(und|der|die|das|nicht|sie|ihre|zustimmen|datenschutz|ablehnen|zulassen|weiter)\b", re.I),
    "fr": re.compile(r"\b(et|les|des|vous|votre|nous|accepter|refuser|confidentialité|autoriser|continuer)\b", re.I),
    "es": re.compile(r"\b(y|los|las|usted|tu|su|nuestra|aceptar|rechazar|privacidad|permitir|continuar)\b", re.I),
    "en": re.compile(r"\b(the|and|you|your|we|our|to|of|agree|allow|deny|privacy|continue)\b", re.I),
}
_LATIN_HINTS_LC = {lang: _lowered(rx) for lang, rx in _LATIN_HINTS.items()}  # searched on lower-cased text


_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HANS_RX = re.compile("[" + "".join(sorted(HANS_ONLY)) + "]")
_HANT_RX = re.compile("[" + "".join(sorted(HANT_ONLY)) + "]")


def detect_lang(text: str) -> str | None:
    """The language of screen text: script first (kana, hangul, Han), then Latin stop words."""
    if not text:
        return None
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    han = len(_HAN.findall(text))
    hans = len(_HANS_RX.findall(text)) if han else 0
    hant = len(_HANT_RX.findall(text)) if han else 0
    if hangul >= 2:
        return "ko"
    if kana >= 2:
        return "ja"
    if han >= 2:
        return "zh-Hant" if hant > hans else "zh-Hans"
    best, best_n = None, 0
    low = text.lower()
    for lang, rx in _LATIN_HINTS_LC.items():
        n = len(rx.findall(low))
        if n > best_n:
            best, best_n = lang, n
    return best
