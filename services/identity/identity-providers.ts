import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { checkNewTags, mergeTags, page, removeTags } from "./iam-context.js";
import type { ProviderRow } from "./identity-store.js";
import type { Tag } from "./entities.js";
import { checkLength, checkPattern } from "./constraints.js";
import { IamErrors, refuseUnhonoured, validationError } from "./errors.js";

interface OidcAttrs {
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  Tags: Tag[];
}

interface SamlAttrs {
  Name: string;
  SAMLMetadataDocument: string;
  ValidUntil?: number;
  Tags: Tag[];
}

/** The expiry a SAML metadata document states (its validUntil attribute), if it states one. */
function validUntilOf(document: string): number | undefined {
  const validUntil = /validUntil="([^"]+)"/.exec(document)?.[1];
  return validUntil ? Date.parse(validUntil) : undefined;
}

/** OpenID Connect and SAML providers: stored, and what AssumeRoleWithWebIdentity/WithSAML look for. */
export function identityProviderHandlers({ store, clock }: IamContext) {
  function oidc(ctx: OperationContext, arn: string | undefined): { row: ProviderRow; attrs: OidcAttrs } {
    checkLength("OpenIDConnectProviderArn", arn, 20, 2048);
    const row = store.provider(arn!);
    if (!row || row.account !== ctx.account || row.kind !== "oidc") throw IamErrors.noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return { row, attrs: JSON.parse(row.attrs) as OidcAttrs };
  }
  function saml(ctx: OperationContext, arn: string | undefined): { row: ProviderRow; attrs: SamlAttrs } {
    checkLength("SAMLProviderArn", arn, 20, 2048);
    const row = store.provider(arn!);
    if (!row || row.account !== ctx.account || row.kind !== "saml") throw IamErrors.noSuchEntity(`Manifest not found for arn ${arn}`);
    return { row, attrs: JSON.parse(row.attrs) as SamlAttrs };
  }
  function checkMetadata(document: string | undefined): void {
    checkLength("SAMLMetadataDocument", document, 1000, 10000000);
    if (document !== undefined && !/<(?:\w+:)?EntityDescriptor\b/.test(document)) throw IamErrors.invalidInput("Could not parse metadata");
  }

  return {
    CreateOpenIDConnectProvider(input: Iam.CreateOpenIDConnectProviderRequest, ctx: OperationContext): Iam.CreateOpenIDConnectProviderResponse {
      checkLength("Url", input.Url, 1, 255);
      if (!/^https:\/\/[^\s/?#]+[^\s?#]*$/.test(input.Url!)) throw validationError("Invalid Open ID Connect Provider URL");
      if ((input.ClientIDList?.length ?? 0) > 100) throw IamErrors.limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100");
      for (const thumbprint of input.ThumbprintList ?? []) checkLength("ThumbprintList.member", thumbprint, 40, 40);
      if ((input.ThumbprintList?.length ?? 0) > 5) throw IamErrors.limitExceeded("Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: 5");
      const tags = checkNewTags(input.Tags);
      const host = input.Url!.replace(/^https:\/\//, "").replace(/\/$/, "");
      const arn = `arn:aws:iam::${ctx.account}:oidc-provider/${host}`;
      return store.transaction(() => {
        if (store.provider(arn)) throw IamErrors.entityAlreadyExists(`Provider with url ${input.Url} already exists.`);
        const attrs: OidcAttrs = { Url: host, ClientIDList: input.ClientIDList ?? [], ThumbprintList: input.ThumbprintList ?? [], Tags: tags };
        store.insertProvider({ arn, account: ctx.account, kind: "oidc", created_at: clock.now(), attrs: JSON.stringify(attrs) });
        return { OpenIDConnectProviderArn: arn, Tags: tags.length ? tags : undefined };
      });
    },

    GetOpenIDConnectProvider(input: Iam.GetOpenIDConnectProviderRequest, ctx: OperationContext): Iam.GetOpenIDConnectProviderResponse {
      const { row, attrs } = oidc(ctx, input.OpenIDConnectProviderArn);
      return { Url: attrs.Url, ClientIDList: attrs.ClientIDList, ThumbprintList: attrs.ThumbprintList, CreateDate: new Date(row.created_at), Tags: attrs.Tags.length ? attrs.Tags : undefined };
    },

    ListOpenIDConnectProviders(_input: Iam.ListOpenIDConnectProvidersRequest, ctx: OperationContext): Iam.ListOpenIDConnectProvidersResponse {
      return { OpenIDConnectProviderList: store.providers(ctx.account, "oidc").map((r) => ({ Arn: r.arn })) };
    },

    DeleteOpenIDConnectProvider(input: Iam.DeleteOpenIDConnectProviderRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => store.deleteProvider(oidc(ctx, input.OpenIDConnectProviderArn).row.arn));
      return {};
    },

    AddClientIDToOpenIDConnectProvider(input: Iam.AddClientIDToOpenIDConnectProviderRequest, ctx: OperationContext): NoOutput {
      checkLength("ClientID", input.ClientID, 1, 255);
      store.transaction(() => {
        const { row, attrs } = oidc(ctx, input.OpenIDConnectProviderArn);
        if (!attrs.ClientIDList.includes(input.ClientID!)) attrs.ClientIDList.push(input.ClientID!);
        store.updateProvider(row.arn, JSON.stringify(attrs));
      });
      return {};
    },

    RemoveClientIDFromOpenIDConnectProvider(input: Iam.RemoveClientIDFromOpenIDConnectProviderRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const { row, attrs } = oidc(ctx, input.OpenIDConnectProviderArn);
        attrs.ClientIDList = attrs.ClientIDList.filter((c) => c !== input.ClientID);
        store.updateProvider(row.arn, JSON.stringify(attrs));
      });
      return {};
    },

    UpdateOpenIDConnectProviderThumbprint(input: Iam.UpdateOpenIDConnectProviderThumbprintRequest, ctx: OperationContext): NoOutput {
      for (const thumbprint of input.ThumbprintList ?? []) checkLength("ThumbprintList.member", thumbprint, 40, 40);
      store.transaction(() => {
        const { row, attrs } = oidc(ctx, input.OpenIDConnectProviderArn);
        attrs.ThumbprintList = input.ThumbprintList ?? [];
        store.updateProvider(row.arn, JSON.stringify(attrs));
      });
      return {};
    },

    TagOpenIDConnectProvider(input: Iam.TagOpenIDConnectProviderRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const { row, attrs } = oidc(ctx, input.OpenIDConnectProviderArn);
        attrs.Tags = mergeTags(attrs.Tags, input.Tags);
        store.updateProvider(row.arn, JSON.stringify(attrs));
      });
      return {};
    },

    UntagOpenIDConnectProvider(input: Iam.UntagOpenIDConnectProviderRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        const { row, attrs } = oidc(ctx, input.OpenIDConnectProviderArn);
        attrs.Tags = removeTags(attrs.Tags, input.TagKeys);
        store.updateProvider(row.arn, JSON.stringify(attrs));
      });
      return {};
    },

    ListOpenIDConnectProviderTags(input: Iam.ListOpenIDConnectProviderTagsRequest, ctx: OperationContext): Iam.ListOpenIDConnectProviderTagsResponse {
      const { items, IsTruncated, Marker } = page(oidc(ctx, input.OpenIDConnectProviderArn).attrs.Tags, input);
      return { Tags: items, IsTruncated, Marker };
    },

    CreateSAMLProvider(input: Iam.CreateSAMLProviderRequest, ctx: OperationContext): Iam.CreateSAMLProviderResponse {
      checkLength("Name", input.Name, 1, 128);
      checkPattern("Name", input.Name, /^[\w._-]+$/, "[\\w._-]+");
      checkMetadata(input.SAMLMetadataDocument);
      // cloudbox does not decrypt SAML assertions: the parameters that ask it to are refused, not ignored.
      refuseUnhonoured(input as unknown as Record<string, unknown>, ["AssertionEncryptionMode", "AddPrivateKey"]);
      const tags = checkNewTags(input.Tags);
      const arn = `arn:aws:iam::${ctx.account}:saml-provider/${input.Name}`;
      return store.transaction(() => {
        if (store.provider(arn)) throw IamErrors.entityAlreadyExists(`SAMLProvider ${input.Name} already exists.`);
        const attrs: SamlAttrs = { Name: input.Name!, SAMLMetadataDocument: input.SAMLMetadataDocument!, ValidUntil: validUntilOf(input.SAMLMetadataDocument!), Tags: tags };
        store.insertProvider({ arn, account: ctx.account, kind: "saml", created_at: clock.now(), attrs: JSON.stringify(attrs) });
        return { SAMLProviderArn: arn, Tags: tags.length ? tags : undefined };
      });
    },

    GetSAMLProvider(input: Iam.GetSAMLProviderRequest, ctx: OperationContext): Iam.GetSAMLProviderResponse {
      const { row, attrs } = saml(ctx, input.SAMLProviderArn);
      return {
        SAMLMetadataDocument: attrs.SAMLMetadataDocument, CreateDate: new Date(row.created_at),
        ValidUntil: attrs.ValidUntil !== undefined && !Number.isNaN(attrs.ValidUntil) ? new Date(attrs.ValidUntil) : undefined,
        Tags: attrs.Tags.length ? attrs.Tags : undefined,
      };
    },

    ListSAMLProviders(_input: Iam.ListSAMLProvidersRequest, ctx: OperationContext): Iam.ListSAMLProvidersResponse {
      return {
        SAMLProviderList: store.providers(ctx.account, "saml").map((r) => {
          const attrs = JSON.parse(r.attrs) as SamlAttrs;
          return { Arn: r.arn, CreateDate: new Date(r.created_at), ValidUntil: attrs.ValidUntil !== undefined && !Number.isNaN(attrs.ValidUntil) ? new Date(attrs.ValidUntil) : undefined };
        }),
      };
    },

    UpdateSAMLProvider(input: Iam.UpdateSAMLProviderRequest, ctx: OperationContext): Iam.UpdateSAMLProviderResponse {
      refuseUnhonoured(input as unknown as Record<string, unknown>, ["AssertionEncryptionMode", "AddPrivateKey", "RemovePrivateKey"]);
      checkMetadata(input.SAMLMetadataDocument);
      return store.transaction(() => {
        const { row, attrs } = saml(ctx, input.SAMLProviderArn);
        if (input.SAMLMetadataDocument !== undefined) {
          attrs.SAMLMetadataDocument = input.SAMLMetadataDocument;
          attrs.ValidUntil = validUntilOf(input.SAMLMetadataDocument);
        }
        store.updateProvider(row.arn, JSON.stringify(attrs));
        return { SAMLProviderArn: row.arn };
      });
    },

    DeleteSAMLProvider(input: Iam.DeleteSAMLProviderRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => store.deleteProvider(saml(ctx, input.SAMLProviderArn).row.arn));
      return {};
    },
  };
}
