package cloudfront

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

const cloudFrontXMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

// ServeCloudFront answers CloudFront's REST-XML API (version 2020-05-31):
// CreateInvalidation, GetInvalidation and GetDistribution, and the list and
// get calls of api_list.go.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Operations_Amazon_CloudFront.html
func ServeCloudFront(a *core.Account, w http.ResponseWriter, r *http.Request, body []byte) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	fail := func(err error) { core.WriteError(w, r, core.ProtoRESTXML, core.AsAPIError(err)) }
	switch {
	case len(parts) == 3 && parts[0] == "2020-05-31" && parts[1] == "distribution" && r.Method == http.MethodGet:
		dist, etag, err := distribution(a, parts[2])
		if err != nil {
			fail(err)
			return
		}
		w.Header().Set("ETag", etag)
		core.WriteXML(w, http.StatusOK, dist)
	case len(parts) == 4 && parts[3] == "invalidation" && r.Method == http.MethodPost:
		var batch cfInvalidationBatch
		if err := xml.Unmarshal(body, &batch); err != nil {
			fail(core.BadRequest("MalformedInput", "cannot read InvalidationBatch: "+err.Error()))
			return
		}
		inv, err := invalidate(a, parts[2], batch.CallerReference, batch.Paths.Items)
		if err != nil {
			fail(err)
			return
		}
		w.Header().Set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/"+parts[2]+"/invalidation/"+inv.ID)
		core.WriteXML(w, http.StatusCreated, cfInvalidation(inv))
	case len(parts) == 5 && parts[3] == "invalidation" && r.Method == http.MethodGet:
		invs, err := Invalidations(a, parts[2])
		if err != nil {
			fail(err)
			return
		}
		for _, inv := range invs {
			if inv.ID == parts[4] {
				core.WriteXML(w, http.StatusOK, cfInvalidation(inv))
				return
			}
		}
		fail(core.NotFound("NoSuchInvalidation", "The specified invalidation does not exist: "+parts[4]))
	default:
		serveLists(a, w, r, parts)
	}
}

type cfPaths struct {
	Quantity int      `xml:"Quantity"`
	Items    []string `xml:"Items>Path"`
}

type cfInvalidationBatch struct {
	Paths           cfPaths `xml:"Paths"`
	CallerReference string  `xml:"CallerReference"`
}

type cfInvalidationXML struct {
	XMLName           xml.Name            `xml:"Invalidation"`
	Xmlns             string              `xml:"xmlns,attr"`
	ID                string              `xml:"Id"`
	Status            string              `xml:"Status"`
	CreateTime        string              `xml:"CreateTime"`
	InvalidationBatch cfInvalidationBatch `xml:"InvalidationBatch"`
}

// cfInvalidation reports an invalidation with its status now.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Invalidation.html
func cfInvalidation(inv core.Invalidation) cfInvalidationXML {
	created := inv.CreateTime
	if created == "" {
		created = core.FixedTime
	}
	return cfInvalidationXML{Xmlns: cloudFrontXMLNS, ID: inv.ID, Status: inv.Status(time.Now()), CreateTime: created,
		InvalidationBatch: cfInvalidationBatch{CallerReference: inv.CallerReference,
			Paths: cfPaths{Quantity: len(inv.Paths), Items: inv.Paths}}}
}

type cfOrigin struct {
	ID                    string `xml:"Id"`
	DomainName            string `xml:"DomainName"`
	OriginPath            string `xml:"OriginPath"`
	OriginAccessControlID string `xml:"OriginAccessControlId,omitempty"`
	S3OriginConfig        *struct {
		OriginAccessIdentity string `xml:"OriginAccessIdentity"`
	} `xml:"S3OriginConfig,omitempty"`
}

type cfErrorResponse struct {
	ErrorCode        int    `xml:"ErrorCode"`
	ResponsePagePath string `xml:"ResponsePagePath,omitempty"`
	ResponseCode     string `xml:"ResponseCode,omitempty"`
}

type cfDistributionConfig struct {
	CallerReference string `xml:"CallerReference"`
	Aliases         struct {
		Quantity int      `xml:"Quantity"`
		Items    []string `xml:"Items>CNAME,omitempty"`
	} `xml:"Aliases"`
	DefaultRootObject string `xml:"DefaultRootObject"`
	Origins           struct {
		Quantity int        `xml:"Quantity"`
		Items    []cfOrigin `xml:"Items>Origin"`
	} `xml:"Origins"`
	DefaultCacheBehavior struct {
		TargetOriginID       string `xml:"TargetOriginId"`
		ViewerProtocolPolicy string `xml:"ViewerProtocolPolicy"`
		CachePolicyID        string `xml:"CachePolicyId,omitempty"`
	} `xml:"DefaultCacheBehavior"`
	CustomErrorResponses struct {
		Quantity int               `xml:"Quantity"`
		Items    []cfErrorResponse `xml:"Items>CustomErrorResponse,omitempty"`
	} `xml:"CustomErrorResponses"`
	Comment       string `xml:"Comment"`
	PriceClass    string `xml:"PriceClass,omitempty"`
	Enabled       bool   `xml:"Enabled"`
	HTTPVersion   string `xml:"HttpVersion,omitempty"`
	IsIPV6Enabled bool   `xml:"IsIPV6Enabled"`
}

type cfDistribution struct {
	XMLName                       xml.Name             `xml:"Distribution"`
	Xmlns                         string               `xml:"xmlns,attr"`
	ID                            string               `xml:"Id"`
	ARN                           string               `xml:"ARN"`
	Status                        string               `xml:"Status"`
	LastModifiedTime              string               `xml:"LastModifiedTime"`
	InProgressInvalidationBatches int                  `xml:"InProgressInvalidationBatches"`
	DomainName                    string               `xml:"DomainName"`
	DistributionConfig            cfDistributionConfig `xml:"DistributionConfig"`
}

// distribution reads a distribution as GetDistribution returns it, with its
// ETag (the version the next update must name).
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistribution.html
func distribution(a *core.Account, id string) (cfDistribution, string, error) {
	var d cfDistribution
	var etag string
	err := a.View(func(st *core.State) error {
		ds := core.NewIndex(st).Find(core.TokDistribution, "id", id)
		if len(ds) == 0 {
			return noSuchDistribution(id)
		}
		d, etag = distributionOf(ds[0]), core.StrOf(ds[0], "etag")
		return nil
	})
	return d, etag, err
}

// distributionOf is the Distribution shape of a distribution's outputs.
func distributionOf(o map[string]any) cfDistribution {
	d := cfDistribution{Xmlns: cloudFrontXMLNS, ID: core.StrOf(o, "id"), ARN: core.StrOf(o, "arn"), Status: "Deployed",
		LastModifiedTime: core.StrOf(o, "lastModifiedTime"), DomainName: core.StrOf(o, "domainName")}
	c := &d.DistributionConfig
	c.CallerReference, c.Comment = core.StrOf(o, "callerReference"), core.StrOf(o, "comment")
	c.DefaultRootObject, c.PriceClass, c.HTTPVersion = core.StrOf(o, "defaultRootObject"), core.StrOf(o, "priceClass"), core.StrOf(o, "httpVersion")
	c.Enabled, _ = o["enabled"].(bool)
	c.IsIPV6Enabled, _ = o["isIpv6Enabled"].(bool)
	for _, al := range core.ListOf(o["aliases"]) {
		if s, ok := al.(string); ok {
			c.Aliases.Items = append(c.Aliases.Items, s)
		}
	}
	c.Aliases.Quantity = len(c.Aliases.Items)
	for _, raw := range core.ListOf(o["origins"]) {
		m, _ := raw.(map[string]any)
		org := cfOrigin{ID: core.StrOf(m, "originId"), DomainName: core.StrOf(m, "domainName"),
			OriginPath: core.StrOf(m, "originPath"), OriginAccessControlID: core.StrOf(m, "originAccessControlId")}
		c.Origins.Items = append(c.Origins.Items, org)
	}
	c.Origins.Quantity = len(c.Origins.Items)
	dcb, _ := o["defaultCacheBehavior"].(map[string]any)
	c.DefaultCacheBehavior.TargetOriginID = core.StrOf(dcb, "targetOriginId")
	c.DefaultCacheBehavior.ViewerProtocolPolicy = core.StrOf(dcb, "viewerProtocolPolicy")
	c.DefaultCacheBehavior.CachePolicyID = core.StrOf(dcb, "cachePolicyId")
	for _, raw := range core.ListOf(o["customErrorResponses"]) {
		m, _ := raw.(map[string]any)
		er := cfErrorResponse{ErrorCode: core.Number(m["errorCode"]), ResponsePagePath: core.StrOf(m, "responsePagePath")}
		if rc := core.Number(m["responseCode"]); rc != 0 {
			er.ResponseCode = strconv.Itoa(rc)
		}
		c.CustomErrorResponses.Items = append(c.CustomErrorResponses.Items, er)
	}
	c.CustomErrorResponses.Quantity = len(c.CustomErrorResponses.Items)
	return d
}
