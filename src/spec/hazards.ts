/**
 * @module spec/hazards
 * The MLCommons hazard taxonomy as predicted by Llama Guard 3 (S1–S14): the codes a category may declare it covers.
 */

/** Hazard code → name (Llama Guard 3 model card). */
export const hazardNames: Readonly<Record<string, string>> = {
  S1: 'Violent Crimes',
  S2: 'Non-Violent Crimes',
  S3: 'Sex-Related Crimes',
  S4: 'Child Sexual Exploitation',
  S5: 'Defamation',
  S6: 'Specialized Advice',
  S7: 'Privacy',
  S8: 'Intellectual Property',
  S9: 'Indiscriminate Weapons (CBRNE)',
  S10: 'Hate',
  S11: 'Suicide & Self-Harm',
  S12: 'Sexual Content',
  S13: 'Elections',
  S14: 'Code Interpreter Abuse',
};

/** The codes in order S1…S14. */
export const hazardCodes: readonly string[] = Object.keys(hazardNames);
