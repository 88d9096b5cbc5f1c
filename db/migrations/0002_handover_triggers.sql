-- Hand-over outbox (issue 7): every renewal application and every opt-out (and its undo) is enqueued
-- for the provider's back office in the transaction that stores the fact. Constraint triggers,
-- deferred to commit, so that the snapshot shows the transaction's final state (an application
-- inserted before its cycle moves, the audit row of an undo written after the update) and a
-- rolled-back transaction enqueues nothing. `set local kigen.handover = 'off'` skips the hand-over
-- (loading history, e.g. previous applications of an import).
CREATE FUNCTION kigen_handover_enqueue(
  p_kind text, p_contract_id uuid, p_cycle_id uuid, p_application_id uuid, p_application jsonb,
  p_actor text, p_occurred_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_event uuid;
  v_payload jsonb;
BEGIN
  IF coalesce(current_setting('kigen.handover', true), '') = 'off' THEN
    RETURN;
  END IF;
  SELECT jsonb_build_object(
    'occurredAt', p_occurred_at,
    'actor', p_actor,
    'contract', jsonb_build_object(
      'id', c.id, 'cn', c.cn, 'category', c.category, 'ca', c.ca, 'productId', c.product_id,
      'periodMonths', c.period_months, 'csrMethod', c.csr_method, 'wwwOption', c.www_option,
      'linkedServices', to_jsonb(c.linked_services), 'slackChannelId', c.slack_channel_id,
      'serviceGroup', g.name, 'locale', g.locale),
    'cycle', (
      SELECT jsonb_build_object(
        'id', r.id, 'state', r.state, 'expiresAt', r.expires_at,
        'decisionDeadline', r.decision_deadline, 'dataDeadline', r.data_deadline,
        'chosenPeriodMonths', r.chosen_period_months, 'decision', r.decision,
        'decidedBy', r.decided_by, 'decidedAt', r.decided_at,
        'slackChannelId', r.slack_channel_id, 'slackTs', r.slack_ts)
      FROM renewal_cycles r WHERE r.id = p_cycle_id),
    'certificate', (
      SELECT jsonb_build_object(
        'id', k.id, 'serial', k.serial, 'sha256', k.sha256, 'notBefore', k.not_before,
        'notAfter', k.not_after, 'issuer', k.issuer)
      FROM certificates k WHERE k.contract_id = c.id
      ORDER BY coalesce(k.contract_period_end, k.not_after) DESC, k.not_after DESC LIMIT 1),
    'application', p_application)
  INTO v_payload
  FROM contracts c JOIN service_groups g ON g.id = c.service_group_id
  WHERE c.id = p_contract_id;
  INSERT INTO handover_events (kind, application_id, cycle_id, contract_id, payload)
  VALUES (p_kind, p_application_id, p_cycle_id, p_contract_id, v_payload)
  RETURNING id INTO v_event;
  INSERT INTO handover_deliveries (event_id, channel)
  SELECT v_event, channel FROM handover_channels WHERE enabled;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION kigen_handover_application() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Never the private key: only whether Kigen generated one (R-CSR-3).
  PERFORM kigen_handover_enqueue(
    'application', NEW.contract_id, NEW.cycle_id, NEW.id,
    jsonb_build_object(
      'id', NEW.id, 'kind', NEW.kind,
      'dn', jsonb_build_object('c', NEW.dn_c, 'st', NEW.dn_st, 'l', NEW.dn_l, 'o', NEW.dn_o,
                               'ou', NEW.dn_ou, 'cn', NEW.dn_cn),
      'applicant', NEW.applicant, 'periodMonths', NEW.period_months, 'csrMethod', NEW.csr_method,
      'csrPem', NEW.csr_pem, 'wwwOption', NEW.www_option, 'approverAddress', NEW.approver_address,
      'keyGeneratedByProvider', NEW.encrypted_private_key IS NOT NULL,
      'requestedBy', NEW.requested_by, 'requestedAt', NEW.requested_at),
    NEW.requested_by, NEW.requested_at);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER handover_application_inserted
  AFTER INSERT ON applications
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (NEW.kind IN ('renewal', 'auto_renewal', 'reissue'))
  EXECUTE FUNCTION kigen_handover_application();
--> statement-breakpoint
CREATE FUNCTION kigen_handover_opt_out() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_actor text;
  v_at timestamptz;
BEGIN
  IF NEW.state = 'opted_out' THEN
    PERFORM kigen_handover_enqueue('opt_out', NEW.contract_id, NEW.id, NULL, NULL,
                                   NEW.decided_by, coalesce(NEW.decided_at, now()));
  ELSE
    -- The undo clears decided_by; who undid it is in the audit row of the same transaction.
    SELECT a.actor, a.at INTO v_actor, v_at FROM audit_events a
     WHERE a.cycle_id = NEW.id AND a.action = 'cycle.undoOptOut'
     ORDER BY a.id DESC LIMIT 1;
    PERFORM kigen_handover_enqueue('opt_out_undone', NEW.contract_id, NEW.id, NULL, NULL,
                                   v_actor, coalesce(v_at, now()));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER handover_cycle_opt_out
  AFTER UPDATE OF state ON renewal_cycles
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state AND (NEW.state = 'opted_out'
        OR (OLD.state = 'opted_out' AND NEW.state IN ('scheduled', 'noticed'))))
  EXECUTE FUNCTION kigen_handover_opt_out();
