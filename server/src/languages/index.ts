import type { Family, LanguageSupport } from '../types';
import { apacheLanguage } from './apache';
import { nginxLanguage } from './nginx';
import { routesLanguage } from './routes';

// Each language keeps its own parsed type; the service only hands a language back what it parsed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of heterogeneous LanguageSupport<P>
export type AnyLanguage = LanguageSupport<any>;

export const defaultLanguages: Partial<Record<Family, AnyLanguage>> = {
  nginx: nginxLanguage,
  apache: apacheLanguage,
  routes: routesLanguage,
};
