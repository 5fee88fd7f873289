
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('circulation', '0003_revision'),
        ('messaging', '0001_initial'),
    ]

    # Notifications, preferences and the outbox now belong to the messaging app, which took them
    # over with their tables (messaging 0001): only Django's record of the models changes here.
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveIndex(
            model_name='notification',
            name='circulation_user_id_540c78_idx',
        ),
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_once_per_key',
        ),
        migrations.RemoveConstraint(
            model_name='notificationpreference',
            name='notification_preference_once',
        ),
        migrations.RemoveIndex(
            model_name='outboundemail',
            name='circulation_state_57988e_idx',
        ),
        migrations.RemoveField(
            model_name='notificationpreference',
            name='user',
        ),
        migrations.RemoveField(
            model_name='outboundemail',
            name='user',
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
        migrations.DeleteModel(
            name='NotificationPreference',
        ),
        migrations.DeleteModel(
            name='OutboundEmail',
        ),
        ], database_operations=[]),
    ]
