import { INSTITUTION_CATEGORY_CODES } from '../../domain/categories.js';
import { INFORMED_PARTIES, INFORMING_METHODS } from '../../domain/informing.js';
import { goesToArchive, PROFESSIONAL_REMOVAL_REASONS, type RemovalReason } from '../../domain/removal.js';
import { bsn, cbsCode, count, day, flag, instant, list, nothing, object, oneOf, oneOfValues, str, uuid } from './schema-helpers.js';
import type { Schema } from './types.js';

/** Signals (7.1.4.2-7.1.4.6), informing (7.1.5.1) and data-subject requests (7.1.5.2). */
const REMOVAL_REASONS = [...PROFESSIONAL_REMOVAL_REASONS, 'expired', 'age-23', 'death'] as const satisfies readonly RemovalReason[];

const signalBase = {
  id: uuid('The signal id.'),
  municipality: cbsCode('CBS code of the municipality of the covenant area the youth lives in (for its checker, 7.1.3.2).'),
  registeredAt: instant('When the signal was registered (7.1.4.2).'),
  verified: flag('True once the population register (BRP) confirmed the youth (age, family, municipality); false while it was unreachable or when no register is configured.'),
};
const parties = (description: string): Schema => list(description, oneOfValues('youth: the youth; legal-representative: the parent or guardian.', INFORMED_PARTIES));

const withoutBsn = (description: string): Schema =>
  object(description, {
    familyName: str('The family name as in the youth\'s papers; voorvoegsels, case and diacritics do not matter.', { minLength: 1, maxLength: 200 }),
    sex: oneOfValues('M, V or O (onbekend), as the BRP codes it.', ['M', 'V', 'O']),
  });
const bsnOfRequest = bsn("The youth's burgerservicenummer: 9 digits that pass the elfproef.");
const withoutBsnOfRequest = withoutBsn('For a youth registered without a BSN: the same family name and sex as at registration.');
const birthDateOfRequest = day('The birth date given at registration.');
/** A data-subject request names the youth by BSN, or, for a youth registered without one, by the facts its verwijsindexservicenummer comes from. */
const youthRequest = (description: string, extra: Record<string, Schema> = {}): Schema => ({
  description,
  oneOf: [
    object('By BSN.', { bsn: bsnOfRequest, ...extra }),
    object('Without a BSN.', { withoutBsn: withoutBsnOfRequest, birthDate: birthDateOfRequest, ...extra }),
  ],
});

export const signalSchemas: Record<string, Schema> = {
  SignalInput: object(
    'A new signal (7.1.4.2): exactly one of bsn and withoutBsn. Only these fields are accepted: the risk criterion is attested, never sent or stored.',
    {
      bsn: bsn("The youth's burgerservicenummer: 9 digits that pass the elfproef. Stored sealed; never returned."),
      birthDate: day("The youth's birth date: the youth must be under 23 (Jeugdwet 7.1.1.1). Used only to compute the 23rd birthday; not stored."),
      municipality: cbsCode('CBS code of a municipality of this covenant area.'),
      legalGroundConfirmed: {
        const: true,
        description: 'The professional attests a reasonable suspicion of one of the risks of Jeugdwet 7.1.4.1. Missing or false is refused.',
      },
      removalDate: day("When the signal is to be removed automatically: after today, at most two years from today and not past the youth's 23rd birthday (7.1.4.5). Defaults to that maximum."),
      withoutBsn: withoutBsn('For a youth without a BSN, instead of bsn: the verwijsindexservicenummer is derived from the family name, the birth date and the sex (Besluit Jeugdwet 7.3.1), so that two professionals who enter the same youth meet.'),
    },
    ['removalDate', 'bsn', 'withoutBsn'],
  ),
  ExtensionInput: object(
    'A new removal date for an active signal (7.1.4.5). The body may be left out.',
    { removalDate: day("The new removal date: later than the current one, at most two years from today and not past the youth's 23rd birthday. Defaults to that maximum.") },
    ['removalDate'],
  ),
  RemovalInput: object('Why the professional removes the signal (7.1.4.5, 7.1.5.2).', {
    reason: oneOfValues(
      'risk-ended: archived for 5 years (7.1.4.6); unjustified, objection, correction: erased, not archived (7.1.4.6, 7.1.5.2).',
      PROFESSIONAL_REMOVAL_REASONS,
    ),
  }),

  Signal: oneOf(
    'A signal as its own professional sees it: never a BSN, birth date or risk criterion (7.1.4.2). The shape depends on `status`.',
    'ActiveSignal',
    'ArchivedSignal',
    'RemovedSignal',
  ),
  ActiveSignal: object('An active signal.', {
    ...signalBase,
    status: { const: 'active', description: 'The signal takes part in matching.' },
    removalDate: day('The date on which the signal will be removed automatically (7.1.4.2, 7.1.4.5).'),
    matchId: { type: ['string', 'null'], format: 'uuid', description: 'The match the signal takes part in, or null while there is none.' },
  }),
  ArchivedSignal: object('A signal removed because the risk ended or its term expired, kept in the historical archive (7.1.4.6).', {
    ...signalBase,
    status: { const: 'archived', description: 'In the historical archive.' },
    removalDate: nothing('An archived signal has no removal date.'),
    matchId: nothing('An archived signal takes part in no match.'),
    removedAt: instant('When the signal was removed.'),
    removalReason: oneOfValues('Only these reasons lead to the archive (7.1.4.6).', REMOVAL_REASONS.filter(goesToArchive)),
    archiveUntil: day("When the archived signal is destroyed: 5 years after removal, earlier at the youth's 23rd birthday (7.1.4.6)."),
  }),
  RemovedSignal: object("A removed signal that is not, or no longer, archived: the youth's identity is erased (7.1.4.6).", {
    ...signalBase,
    status: { const: 'removed', description: 'Removed; nothing about the youth is kept.' },
    removalDate: nothing('A removed signal has no removal date.'),
    matchId: nothing('A removed signal takes part in no match.'),
    removedAt: instant('When the signal was removed.'),
    removalReason: oneOfValues(
      'unjustified, objection, correction: erased at once (by the professional, or by the administrator after a data-subject request); age-23, death: by the index itself (7.1.4.5, 7.1.4.6); risk-ended, expired: archived first, then destroyed when the archive ended.',
      REMOVAL_REASONS,
    ),
  }),

  InformingInput: object(
    'Whom the professional informed of the signal, when and how (informatieplicht, 7.1.5.1).',
    {
      informed: { ...parties('Who was informed. Left out or empty: the parties the law names for the youth\'s age on informedOn.'), maxItems: 2 },
      informedOn: day('The day they were informed; not in the future.'),
      method: oneOfValues('How they were informed.', INFORMING_METHODS),
    },
    ['informed'],
  ),
  Informing: object('The recorded informing of a signal (7.1.5.1). Recording again replaces it.', {
    signalId: uuid('The signal.'),
    informed: { ...parties('Who was informed.'), minItems: 1 },
    derived: {
      ...parties("Whom the law names for the youth's age on informedOn: the legal representative under 12, both from 12 to 15, the youth from 16."),
      minItems: 1,
    },
    informedOn: day('The day they were informed.'),
    method: oneOfValues('How they were informed.', INFORMING_METHODS),
    recordedAt: instant('When this was recorded.'),
  }),
  OutstandingInforming: object('An active signal of the professional whose informing is not recorded yet (7.1.5.1).', {
    signalId: uuid('The signal.'),
    registeredAt: instant('When the signal was registered.'),
    removalDate: day('Its removal date.'),
    overdue: flag('True when it was registered more than lifecycle.informingReminderDays ago.'),
  }),

  BsnInput: youthRequest(
    'The youth a data-subject request is about: bsn, or withoutBsn with birthDate for a youth registered without one. In the body, so that the BSN never appears in a URL or an access log.',
  ),
  DataSubjectRemovalInput: youthRequest(
    'A removal the municipality decided on after an objection or a correction request (7.1.5.2): bsn, or withoutBsn with birthDate.',
    { reason: oneOfValues('The request that led to the removal, or the youth\'s death.', ['objection', 'correction', 'death']) },
  ),
  DataSubjectRemoval: object('Everything about the youth is removed, without archive (7.1.4.6); their matches follow.', {
    removedActive: count('Active signals removed.'),
    destroyedArchived: count('Archived signals destroyed.'),
    reason: oneOfValues('The reason given.', ['objection', 'correction', 'death']),
  }),
  InspectionReport: object(
    'What the index holds on one youth, for an inspection request (7.1.5.2): their active and archived signals, and who accessed them or their matches.',
    {
      producedAt: instant('When the report was made.'),
      signals: list(
        'Active and archived signals on the youth, oldest first.',
        object('A signal on the youth.', {
          institution: object('The institution.', { name: str('Its name.'), category: oneOfValues('Its designated category.', INSTITUTION_CATEGORY_CODES) }),
          professional: object('The professional who signalled.', { name: str('Full name.'), function: str('Job title.') }),
          municipality: cbsCode('The municipality.'),
          status: oneOfValues('Active, or in the historical archive.', ['active', 'archived']),
          registeredAt: instant('When it was registered.'),
          until: day('Active: the removal date; archived: the day the archive is destroyed.'),
          removedAt: { type: ['string', 'null'], format: 'date-time', description: 'When it was removed (archived signals), or null.' },
        }),
      ),
      access: list(
        'Every successful read or change of those signals and their matches, in order.',
        object('One access.', {
          at: instant('When.'),
          by: {
            description: 'Who: a professional by name, or only the kind of actor.',
            oneOf: [
              object('A professional.', {
                kind: { const: 'professional', description: 'A professional.' },
                name: str('Full name.'),
                function: str('Job title.'),
                institution: str('Name of their institution.'),
              }),
              object('Another actor.', { kind: oneOfValues('The administrator, the index itself, or a municipality\'s checker.', ['admin', 'system', 'checker']) }),
            ],
          },
          action: str('What was done, e.g. signal.read, match.list.'),
          object: oneOfValues('What it was done to.', ['signal', 'match']),
        }),
      ),
    },
  ),
};
