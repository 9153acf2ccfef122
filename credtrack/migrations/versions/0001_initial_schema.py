"""Initial schema: the whole credtrack domain.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 21:20:46.710332
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('cohort',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_cohort_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('code', name=op.f('uq_cohort_code'))
    )
    op.create_table('credential',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('min_assessor_professions', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint('min_assessor_professions IS NULL OR min_assessor_professions > 0', name=op.f('ck_credential_min_assessor_professions')),
    sa.CheckConstraint('validity_months IS NULL OR validity_months > 0', name=op.f('ck_credential_validity_months')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential')),
    sa.UniqueConstraint('code', name=op.f('uq_credential_code'))
    )
    op.create_table('external_revocation',
    sa.Column('issuer_kid', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('list_as_of', sa.DateTime(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_revocation')),
    sa.UniqueConstraint('issuer_kid', 'code', name=op.f('uq_external_revocation_issuer_kid_code'))
    )
    op.create_table('framework',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version_label', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework')),
    sa.UniqueConstraint('code', name=op.f('uq_framework_code'))
    )
    op.create_table('issuer_key',
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.String(length=16), nullable=False),
    sa.Column('public_jwk', sa.Text(), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'retired')", name=op.f('ck_issuer_key_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_key')),
    sa.UniqueConstraint('kid', name=op.f('uq_issuer_key_kid'))
    )
    op.create_table('module',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('contact_hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('requires_verification', sa.Boolean(), nullable=False),
    sa.Column('requires_enrolment', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("kind IN ('e_learning', 'simulation', 'workshop', 'shadowing', 'huddle', 'other')", name=op.f('ck_module_kind')),
    sa.CheckConstraint('contact_hours >= 0', name=op.f('ck_module_contact_hours')),
    sa.CheckConstraint('validity_months IS NULL OR validity_months > 0', name=op.f('ck_module_validity_months')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module')),
    sa.UniqueConstraint('code', name=op.f('uq_module_code'))
    )
    op.create_table('profession',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profession')),
    sa.UniqueConstraint('code', name=op.f('uq_profession_code')),
    sa.UniqueConstraint('name', name=op.f('uq_profession_name'))
    )
    op.create_table('scale',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scale')),
    sa.UniqueConstraint('code', name=op.f('uq_scale_code'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('cohort_credential',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_credential_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_cohort_credential_credential_id_credential')),
    sa.PrimaryKeyConstraint('cohort_id', 'credential_id', name=op.f('pk_cohort_credential'))
    )
    op.create_table('competency_domain',
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_competency_domain_framework_id_framework')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_domain')),
    sa.UniqueConstraint('framework_id', 'code', name=op.f('uq_competency_domain_framework_id_code'))
    )
    op.create_table('person',
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('profession_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=120), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'inactive', 'archived')", name=op.f('ck_person_status')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_person_dates')),
    sa.CheckConstraint('length(trim(external_id)) > 0', name=op.f('ck_person_external_id_not_blank')),
    sa.CheckConstraint('length(trim(full_name)) > 0', name=op.f('ck_person_name_not_blank')),
    sa.ForeignKeyConstraint(['profession_id'], ['profession.id'], name=op.f('fk_person_profession_id_profession')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('external_id', name=op.f('uq_person_external_id'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_profession_status', ['profession_id', 'status'], unique=False)
        batch_op.create_index('ix_person_search_key', ['search_key'], unique=False)

    op.create_table('scale_level',
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('passing', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['scale.id'], name=op.f('fk_scale_level_scale_id_scale')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scale_level')),
    sa.UniqueConstraint('id', 'scale_id', name=op.f('uq_scale_level_id_scale_id')),
    sa.UniqueConstraint('scale_id', 'code', name=op.f('uq_scale_level_scale_id_code')),
    sa.UniqueConstraint('scale_id', 'rank', name=op.f('uq_scale_level_scale_id_rank'))
    )
    op.create_table('competency',
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['domain_id'], ['competency_domain.id'], name=op.f('fk_competency_domain_id_competency_domain')),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_competency_framework_id_framework')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency')),
    sa.UniqueConstraint('framework_id', 'code', name=op.f('uq_competency_framework_id_code'))
    )
    with op.batch_alter_table('competency', schema=None) as batch_op:
        batch_op.create_index('ix_competency_domain_id', ['domain_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'withdrawn', 'completed')", name=op.f('ck_enrolment_status')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_enrolment_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_enrolment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('cohort_id', 'person_id', name=op.f('uq_enrolment_cohort_id_person_id'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_person_id', ['person_id'], unique=False)

    op.create_table('user_account',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'educator', 'preceptor', 'viewer')", name=op.f('ck_user_account_role')),
    sa.CheckConstraint('failed_logins >= 0', name=op.f('ck_user_account_failed_logins')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_user_account_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('assessment',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('setting', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('attestation_text', sa.Text(), nullable=False),
    sa.Column('attestation_accepted', sa.Boolean(), nullable=False),
    sa.Column('assessor_user_id', sa.Integer(), nullable=True),
    sa.Column('assessor_person_id', sa.Integer(), nullable=True),
    sa.Column('assessor_name', sa.String(length=200), nullable=False),
    sa.Column('assessor_profession_id', sa.Integer(), nullable=True),
    sa.Column('reauthenticated', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("method IN ('direct_observation', 'simulation', 'case_discussion', 'chart_review', 'multisource_feedback', 'other')", name=op.f('ck_assessment_method')),
    sa.CheckConstraint('(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)', name=op.f('ck_assessment_void')),
    sa.CheckConstraint('attestation_accepted', name=op.f('ck_assessment_attested')),
    sa.ForeignKeyConstraint(['assessor_person_id'], ['person.id'], name=op.f('fk_assessment_assessor_person_id_person')),
    sa.ForeignKeyConstraint(['assessor_profession_id'], ['profession.id'], name=op.f('fk_assessment_assessor_profession_id_profession')),
    sa.ForeignKeyConstraint(['assessor_user_id'], ['user_account.id'], name=op.f('fk_assessment_assessor_user_id_user_account')),
    sa.ForeignKeyConstraint(['competency_id'], ['competency.id'], name=op.f('fk_assessment_competency_id_competency')),
    sa.ForeignKeyConstraint(['level_id', 'scale_id'], ['scale_level.id', 'scale_level.scale_id'], name='fk_assessment_level_scale'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_assessment_person_id_person')),
    sa.ForeignKeyConstraint(['scale_id'], ['scale.id'], name=op.f('fk_assessment_scale_id_scale')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_assessment_voided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_competency_id', ['competency_id'], unique=False)
        batch_op.create_index('ix_assessment_person_competency', ['person_id', 'competency_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('before_json', sa.Text(), nullable=True),
    sa.Column('after_json', sa.Text(), nullable=True),
    sa.Column('reauthenticated', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index('ix_audit_event_occurred_at', ['occurred_at'], unique=False)

    op.create_table('certificate',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('credential_title', sa.String(length=200), nullable=False),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('issuer_kid', sa.String(length=64), nullable=False),
    sa.Column('qr_payload', sa.Text(), nullable=False),
    sa.Column('openbadge_digest', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("(status = 'revoked') = (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)", name=op.f('ck_certificate_revocation')),
    sa.CheckConstraint("status IN ('valid', 'revoked', 'superseded')", name=op.f('ck_certificate_status')),
    sa.CheckConstraint('expires_on IS NULL OR expires_on >= issued_on', name=op.f('ck_certificate_dates')),
    sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_certificate_credential_id_credential')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_certificate_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['issuer_kid'], ['issuer_key.kid'], name=op.f('fk_certificate_issuer_kid_issuer_key')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_certificate_person_id_person')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_certificate_revoked_by_id_user_account')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['certificate.id'], name=op.f('fk_certificate_superseded_by_id_certificate')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['certificate.id'], name=op.f('fk_certificate_supersedes_id_certificate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index('ix_certificate_credential_id', ['credential_id'], unique=False)
        batch_op.create_index('ix_certificate_expires_on', ['expires_on'], unique=False)
        batch_op.create_index('ix_certificate_person_id', ['person_id'], unique=False)

    op.create_table('completion',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('verification', sa.String(length=16), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("verification IN ('not_required', 'pending', 'verified')", name=op.f('ck_completion_verification')),
    sa.CheckConstraint('(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)', name=op.f('ck_completion_void')),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_completion_module_id_module')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_completion_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_completion_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'], name=op.f('fk_completion_verified_by_id_user_account')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_completion_voided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion'))
    )
    with op.batch_alter_table('completion', schema=None) as batch_op:
        batch_op.create_index('ix_completion_module_id', ['module_id'], unique=False)
        batch_op.create_index('ix_completion_person_module', ['person_id', 'module_id'], unique=False)

    op.create_table('credential_requirement',
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('competency_id', sa.Integer(), nullable=True),
    sa.Column('scale_id', sa.Integer(), nullable=True),
    sa.Column('min_level_id', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'module' AND module_id IS NOT NULL AND competency_id IS NULL AND min_level_id IS NULL) OR (kind = 'competency' AND competency_id IS NOT NULL AND module_id IS NULL AND scale_id IS NOT NULL AND min_level_id IS NOT NULL)", name=op.f('ck_credential_requirement_shape')),
    sa.CheckConstraint("kind IN ('module', 'competency')", name=op.f('ck_credential_requirement_kind')),
    sa.ForeignKeyConstraint(['competency_id'], ['competency.id'], name=op.f('fk_credential_requirement_competency_id_competency')),
    sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_credential_requirement_credential_id_credential'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['min_level_id', 'scale_id'], ['scale_level.id', 'scale_level.scale_id'], name='fk_requirement_level_scale'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_credential_requirement_module_id_module')),
    sa.ForeignKeyConstraint(['scale_id'], ['scale.id'], name=op.f('fk_credential_requirement_scale_id_scale')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_requirement'))
    )
    with op.batch_alter_table('credential_requirement', schema=None) as batch_op:
        batch_op.create_index('ix_credential_requirement_credential_id', ['credential_id'], unique=False)

    op.create_table('module_competency',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competency.id'], name=op.f('fk_module_competency_competency_id_competency')),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_module_competency_module_id_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('module_id', 'competency_id', name=op.f('pk_module_competency'))
    )
    


def downgrade() -> None:
    
    op.drop_table('module_competency')
    with op.batch_alter_table('credential_requirement', schema=None) as batch_op:
        batch_op.drop_index('ix_credential_requirement_credential_id')

    op.drop_table('credential_requirement')
    with op.batch_alter_table('completion', schema=None) as batch_op:
        batch_op.drop_index('ix_completion_person_module')
        batch_op.drop_index('ix_completion_module_id')

    op.drop_table('completion')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_person_id')
        batch_op.drop_index('ix_certificate_expires_on')
        batch_op.drop_index('ix_certificate_credential_id')

    op.drop_table('certificate')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_occurred_at')
        batch_op.drop_index('ix_audit_event_entity')

    op.drop_table('audit_event')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_person_competency')
        batch_op.drop_index('ix_assessment_competency_id')

    op.drop_table('assessment')
    op.drop_table('user_account')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_person_id')

    op.drop_table('enrolment')
    with op.batch_alter_table('competency', schema=None) as batch_op:
        batch_op.drop_index('ix_competency_domain_id')

    op.drop_table('competency')
    op.drop_table('scale_level')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_search_key')
        batch_op.drop_index('ix_person_profession_status')

    op.drop_table('person')
    op.drop_table('competency_domain')
    op.drop_table('cohort_credential')
    op.drop_table('setting')
    op.drop_table('scale')
    op.drop_table('profession')
    op.drop_table('module')
    op.drop_table('issuer_key')
    op.drop_table('framework')
    op.drop_table('external_revocation')
    op.drop_table('credential')
    op.drop_table('cohort')
    
