
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('circulation', '0003_revision'),
    ]

    # The models circulation held until now, with their tables (circulation 0001 made them): this
    # records them as messaging's and changes nothing in the database.
    operations = [
        migrations.SeparateDatabaseAndState(database_operations=[], state_operations=[
        migrations.CreateModel(
            name='OutboundEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dedupe_key', models.CharField(max_length=200, unique=True, verbose_name='key')),
                ('to', models.EmailField(max_length=254, verbose_name='to')),
                ('language', models.CharField(max_length=8, verbose_name='language')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('body', models.TextField(verbose_name='text')),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Being handed to the mail server'), ('sent', 'Sent'), ('failed', 'Failed (gave up retrying)'), ('unconfirmed', 'Hand-off never confirmed'), ('cancelled', 'Cancelled')], default='queued', max_length=12, verbose_name='state')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='handed over')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'outgoing e-mail',
                'verbose_name_plural': 'outgoing e-mails',
                'db_table': 'circulation_outboundemail',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('circular_received', 'A circular received'), ('deadline_soon', 'A reply deadline coming'), ('deadline_passed', 'A reply deadline passed'), ('commitment_assigned', 'A commitment assigned to my country or organization'), ('report_returned', 'A report returned'), ('report_approved', 'A report approved'), ('review_requested', 'A draft awaiting my review'), ('outbox_problem', 'An e-mail that could not be delivered (TS)')], max_length=30, verbose_name='kind')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('body', models.TextField(blank=True, verbose_name='text')),
                ('url', models.CharField(blank=True, max_length=500, verbose_name='link')),
                ('dedupe_key', models.CharField(max_length=200, verbose_name='key')),
                ('language', models.CharField(max_length=8, verbose_name='language')),
                ('delivery', models.CharField(choices=[('immediate', 'By e-mail, immediately'), ('digest', 'By e-mail, in a daily digest'), ('off', 'No e-mail (in Enlace only)')], max_length=10, verbose_name='delivery')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                ('is_demo', models.BooleanField(default=False, verbose_name='demo record')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('email', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notifications', to='messaging.outboundemail', verbose_name='e-mail')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'db_table': 'circulation_notification',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(blank=True, choices=[('circular_received', 'A circular received'), ('deadline_soon', 'A reply deadline coming'), ('deadline_passed', 'A reply deadline passed'), ('commitment_assigned', 'A commitment assigned to my country or organization'), ('report_returned', 'A report returned'), ('report_approved', 'A report approved'), ('review_requested', 'A draft awaiting my review'), ('outbox_problem', 'An e-mail that could not be delivered (TS)')], max_length=30, verbose_name='kind')),
                ('delivery', models.CharField(choices=[('immediate', 'By e-mail, immediately'), ('digest', 'By e-mail, in a daily digest'), ('off', 'No e-mail (in Enlace only)')], max_length=10, verbose_name='delivery')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'notification preference',
                'verbose_name_plural': 'notification preferences',
                'db_table': 'circulation_notificationpreference',
                'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='notification_preference_once')],
            },
        ),
        migrations.AddIndex(
            model_name='outboundemail',
            index=models.Index(fields=['state', 'next_attempt_at'], name='circulation_state_57988e_idx'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['user', 'read_at'], name='circulation_user_id_540c78_idx'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(fields=('user', 'dedupe_key'), name='notification_once_per_key'),
        ),
        ]),
    ]
