"""What policy wording names which category of personal information (the hook catalogue's names).

Each category lists the terms a policy uses for it in Chinese and English. Chinese terms match as
substrings; English terms as whole words, case-insensitive. The lists name the data itself (an
identifier, a sensor, a store), never a generic phrase such as 设备信息 / "device information",
which does not say *what* is collected (MIIT method 2.1 asks for each item to be listed). A MAC
address names both `device_id` (how the traffic scanner files it) and `wifi_info` (the Wi-Fi API
that returns it); the carrier names both `sim_info` and `network_info` for the same reason, and an
IP address both `ip_address` and `network_info`."""

from __future__ import annotations

CATEGORY_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # category: (Chinese terms, English terms)
    "location": (("位置信息", "地理位置", "定位", "所在位置", "位置权限", "经纬度", "GPS", "行踪轨迹", "基站", "精确位置", "粗略位置"),
                 ("location", "locations", "geolocation", "GPS", "latitude", "longitude", "geo-location")),
    "contacts": (("通讯录", "联系人"), ("contacts", "contact list", "address book", "phonebook")),
    "camera": (("相机", "摄像头", "拍照", "拍摄", "扫码", "扫一扫"), ("camera",)),
    "microphone": (("麦克风", "录音", "语音输入"), ("microphone", "audio recording", "voice recording", "record audio")),
    "device_id": (("IMEI", "MEID", "IMSI号", "Android ID", "AndroidID", "ANDROID_ID", "安卓ID", "OAID", "AAID", "VAID",
                   "IDFA", "IDFV", "GAID", "设备标识", "设备识别码", "设备识别号", "设备识别信息", "设备唯一标识", "唯一设备识别码", "设备ID", "设备号",
                   "设备序列号", "硬件序列号", "序列号", "硬件地址", "网卡地址", "MAC地址", "MAC 地址", "Mac地址", "mac地址", "广告标识符", "广告ID",
                   "UDID", "UUID"),
                  ("IMEI", "MEID", "Android ID", "AndroidID", "device ID", "device IDs", "device identifier",
                   "device identifiers", "advertising ID", "advertising IDs", "advertising identifier", "advertising identifiers", "AAID", "GAID", "IDFA", "OAID",
                   "MAC address", "serial number", "unique identifier", "unique identifiers", "UDID")),
    "phone_number": (("手机号", "电话号码", "手机号码", "本机号码"), ("phone number", "mobile number", "telephone number", "phone numbers")),
    "sim_info": (("IMSI", "ICCID", "SIM卡", "SIM 卡", "sim卡", "运营商"), ("IMSI", "ICCID", "SIM", "carrier", "mobile network operator")),
    "sms": (("短信",), ("SMS", "text messages", "text message")),
    "call_log": (("通话记录", "通话记录", "呼叫记录"), ("call log", "call logs", "call history")),
    "calendar": (("日历",), ("calendar",)),
    "accounts": (("邮箱地址", "电子邮件地址", "邮件地址", "电子邮箱", "注册邮箱", "邮箱账号", "邮箱帐号", "邮箱账户", "系统账户", "设备账户", "系统帐户"),
                 ("email address", "e-mail address", "email addresses", "e-mail addresses")),
    "installed_apps": (("应用列表", "应用安装列表", "安装列表", "安装状态", "已安装应用", "已安装的应用", "软件列表", "安装的应用", "应用程序列表", "软件安装列表"),
                       ("installed apps", "installed applications", "app list", "list of installed", "installed packages")),
    "clipboard": (("剪切板", "剪贴板", "粘贴板"), ("clipboard",)),
    "wifi_info": (("WiFi", "Wi-Fi", "WIFI", "wifi", "WLAN", "SSID", "BSSID", "无线网络", "硬件地址", "网卡地址", "MAC地址", "MAC 地址", "Mac地址", "mac地址"),
                  ("Wi-Fi", "WiFi", "wifi", "SSID", "BSSID", "MAC address", "wireless network")),
    "bluetooth": (("蓝牙",), ("Bluetooth",)),
    "sensors": (("传感器", "加速度", "陀螺仪", "重力感应", "计步"), ("sensor", "sensors", "accelerometer", "gyroscope")),
    "network_info": (("IP地址", "IP 地址", "网络信息", "网络相关信息", "联网相关信息", "联网信息", "网络类型", "网络状态", "网络连接", "运营商", "网络状况", "网络制式"),
                     ("IP address", "IP addresses", "Internet Protocol", "network type", "network state", "connection type", "carrier")),
    "ip_address": (("IP地址", "IP 地址", "ip地址", "网络地址"), ("IP address", "IP addresses", "Internet Protocol address")),
    "storage": (("存储权限", "读写存储", "外部存储", "存储空间", "SD卡", "相册", "照片", "图片库"),
                ("external storage", "storage permission", "photos", "photo library", "media files", "gallery")),
}

# Contiguous phrases that deny collection in the clause they start ("我们不会收集您的通讯录").
NEGATIONS_ZH = ("不会收集", "不收集", "不会获取", "不获取", "不会读取", "不读取", "不会访问", "不会申请", "不会调用",
                "不会上传", "不会主动", "不会将", "不会与", "不需要", "无需", "不涉及", "不会使用", "不会要求", "未收集", "不会向")
NEGATIONS_EN = ("do not collect", "does not collect", "don't collect", "will not collect", "won't collect",
                "never collect", "do not access", "does not access", "will not access", "not collect",
                "do not use", "does not use", "do not request", "we don't", "we do not", "is not collected",
                "are not collected", "does not require", "no personal")

# A clause that defines a term ("个人敏感信息是指……", "personal information means ...") lists examples,
# not what this app collects.
DEFINITIONS_ZH = ("是指", "指的是", "包括但不限于身份证")
DEFINITIONS_EN = (" means ", " refers to ", " is defined as ")

# Purpose words -> purpose labels (`purposes` in `consentry policy read`).
PURPOSE_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "analytics": (("统计", "分析", "数据分析"), ("analytics", "analysis", "statistics", "measure")),
    "advertising": (("广告",), ("advertising", "advertisement", "ads", "ad")),
    "personalisation": (("个性化", "推荐"), ("personalize", "personalise", "personalized", "personalised", "recommendation", "recommendations")),
    "push": (("推送", "消息通知"), ("push notification", "push notifications", "notifications")),
    "location_services": (("定位", "地图", "导航"), ("map", "maps", "navigation")),
    "login": (("登录", "一键登录", "身份验证", "认证"), ("login", "log in", "sign in", "authentication", "authenticate")),
    "payment": (("支付", "付款"), ("payment", "payments", "purchase", "purchases")),
    "sharing": (("分享",), ("share", "sharing")),
    "crash_reporting": (("崩溃", "异常", "稳定性", "性能监控"), ("crash", "crashes", "crash reports", "diagnostics", "performance")),
    "security": (("安全", "风控", "反作弊", "防欺诈", "风险控制"), ("security", "fraud", "anti-fraud", "abuse")),
    "customer_support": (("客服",), ("customer support", "customer service", "support requests")),
    "legal": (("法律法规", "法定义务"), ("legal obligation", "comply with", "law enforcement")),
}
