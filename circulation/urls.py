from django.urls import path

from . import views
from .feeds import ActivityFeed

app_name = "circulation"

urlpatterns = [
    path("", views.circular_list, name="list"),
    path("new/", views.circular_create, name="create"),
    path("fulfils-options/", views.fulfils_options, name="fulfils_options"),
    path("<int:pk>/", views.circular_detail, name="detail"),
    path("<int:pk>/edit/", views.circular_edit, name="edit"),
    path("<int:pk>/send/", views.circular_send, name="send"),
    path("<int:pk>/delete/", views.circular_delete, name="delete"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("<int:pk>/acknowledge/", views.circular_acknowledge, name="acknowledge"),
    path("<int:pk>/reply/", views.circular_reply, name="reply"),
    path("<int:pk>/replies/files/<int:attachment_pk>/", views.reply_attachment_download, name="reply_attachment"),
    path("<int:pk>/board/", views.circular_board, name="board"),
    path("<int:pk>/board.xlsx", views.board_export, name="board_export"),
    path("<int:pk>/board/<int:recipient_pk>/deadline/", views.recipient_extend, name="extend"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/countries/<str:code>/", views.inbox, name="country_inbox"),
    path("inbox/organizations/<int:org_pk>/", views.inbox, name="organization_inbox"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("my-work/", views.my_work, name="mywork"),
    path("my-work/count/", views.my_work_count, name="mywork_count"),
    path("activity/", views.activity_page, name="activity"),
    path("activity/feed/", views.feed_settings, name="feed_settings"),
    path("activity/feed/<str:token>.atom", ActivityFeed(), name="feed"),
    path("outbox/", views.outbox_page, name="outbox"),
    path("received/", views.inbound_page, name="inbound"),
    path("received/<int:pk>.eml", views.inbound_message, name="inbound_message"),
    path("outbox/<int:pk>/", views.outbox_action, name="outbox_action"),
]
